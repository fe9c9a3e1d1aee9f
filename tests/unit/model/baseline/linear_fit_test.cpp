#include "mlops/model/baseline/linear_fit.h"

#include <gtest/gtest.h>

#include <vector>

namespace mlops {
namespace {

// Twelve rows, two features. Expected values: scikit-learn 1.2.1 (python3-sklearn) on the same
// arrays with Ridge(alpha=1.0) and LogisticRegression(C=1.0, tol=1e-12, max_iter=100000)
// (multi_class="multinomial" for three classes).
Eigen::MatrixXd features() {
  Eigen::MatrixXd x(12, 2);
  x << 0.5, 1.2, 1.0, -0.3, 1.5, 0.8, 2.0, 2.1, 2.5, -1.0, 3.0, 0.0, 3.5, 1.5, 4.0, -0.7, 4.5, 0.9,
      5.0, -1.8, 5.5, 0.4, 6.0, 1.1;
  return x;
}

Eigen::VectorXd vector_of(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

TEST(LinearFit, RidgeMatchesScikitLearn) {
  const Eigen::VectorXd y =
      vector_of({1.1, 2.3, 2.9, 4.8, 4.1, 6.2, 7.9, 7.1, 9.4, 8.8, 11.2, 12.5});
  const LinearFit fit = fit_ridge(with_intercept(features()), y, 1.0);
  EXPECT_NEAR(fit.intercepts(0), -0.024047246989614024, 1e-10);
  EXPECT_NEAR(fit.coefficients(0, 0), 1.9628954867175292, 1e-10);
  EXPECT_NEAR(fit.coefficients(1, 0), 0.4846769004504092, 1e-10);
}

TEST(LinearFit, LogisticMatchesScikitLearn) {
  const Eigen::VectorXd y = vector_of({0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1});
  const LinearFit fit = fit_logistic(with_intercept(features()), y, 1.0);
  // scikit-learn's lbfgs stops at a gradient of 9e-6 (-2.3741780, 0.8490616, 0.3422686); the
  // exact optimum (scipy.optimize.minimize BFGS, gtol=1e-14, same objective) is below, and
  // Newton's method reaches it.
  EXPECT_NEAR(fit.intercepts(0), -2.374177978536719, 1e-5);
  EXPECT_NEAR(fit.intercepts(0), -2.374181124832382, 1e-10);
  EXPECT_NEAR(fit.coefficients(0, 0), 0.8490627898179871, 1e-10);
  EXPECT_NEAR(fit.coefficients(1, 0), 0.342269499145436, 1e-10);
}

TEST(LinearFit, LogisticOnRowsRepeatedAcrossHessianBlocksHasTheSameOptimum) {
  // Each row 500 times (6,000 rows: the Hessian is summed over two blocks of rows) with 500
  // times the penalty is 500 times the same objective: the same optimum as the 12 rows, up to
  // where the step halving can still tell objectives 500 times larger apart (~1e-7).
  const Eigen::MatrixXd x = features();
  const std::vector<double> labels{0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1};
  constexpr int kRepeats = 500;
  Eigen::MatrixXd repeated(x.rows() * kRepeats, x.cols());
  Eigen::VectorXd y(repeated.rows());
  for (Eigen::Index i = 0; i < repeated.rows(); ++i) {
    repeated.row(i) = x.row(i % x.rows());
    y(i) = labels[static_cast<size_t>(i % x.rows())];
  }
  const LinearFit fit = fit_logistic(with_intercept(repeated), y, kRepeats * 1.0);
  EXPECT_NEAR(fit.intercepts(0), -2.374181124832382, 1e-6);
  EXPECT_NEAR(fit.coefficients(0, 0), 0.8490627898179871, 1e-6);
  EXPECT_NEAR(fit.coefficients(1, 0), 0.342269499145436, 1e-6);
}

TEST(LinearFit, SoftmaxMatchesScikitLearnMultinomial) {
  const std::vector<int> classes{0, 0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 2};
  const LinearFit fit = fit_softmax(with_intercept(features()), classes, 3, 1.0);
  const std::vector<double> intercepts{3.735925286504141, 0.18551162531767593, -3.9214369118218166};
  const std::vector<std::vector<double>> coefficients{{-1.1904241292217106, -0.34065962450286824},
                                                      {0.054842972397278415, 0.7512496770973428},
                                                      {1.1355811568244327, -0.41059005259447456}};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(fit.intercepts(k), intercepts[k], 1e-5) << k;
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(fit.coefficients(j, k), coefficients[k][j], 1e-5);
  }
}

}  // namespace
}  // namespace mlops
