#pragma once
// L2-regularised linear models solved with Eigen, the objectives of scikit-learn's defaults so
// results can be checked against it: Ridge(alpha=1) and LogisticRegression(C=1) (lbfgs: the
// intercept is not penalised; multinomial for more than two classes).

#include <Eigen/Dense>
#include <span>

namespace mlops {

/// Intercepts (one per output) and coefficients (features x outputs) on the columns of x.
struct LinearFit {
  Eigen::VectorXd intercepts;
  Eigen::MatrixXd coefficients;
};

/// The design matrix the fits take: [1, x], the intercept's column of ones first. The fits
/// read it in place and copy nothing of its size (a fit of 200,000 rows keeps one copy).
Eigen::MatrixXd with_intercept(const Eigen::MatrixXd& x);

/// Minimises ||y - b - X w||^2 + alpha ||w||^2 (one output) on the design matrix a = [1, X].
/// Exact (normal equations, LDLT).
LinearFit fit_ridge(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, double alpha);

/// Minimises sum of log losses + lambda / 2 ||w||^2 for labels 0/1 (one output: the logit of
/// class 1) on a = [1, X] by Newton's method with step halving.
LinearFit fit_logistic(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, double lambda);

/// Minimises sum of softmax cross-entropies + lambda / 2 ||W||^2 over num_class outputs on
/// a = [1, X] by majorisation-minimisation: the fixed bound 1/2 X'X on the Hessian (Boehning
/// 1992) is factorised once, so each step costs one pass over the rows.
LinearFit fit_softmax(const Eigen::MatrixXd& a, std::span<const int> classes, int num_class,
                      double lambda);

}  // namespace mlops
