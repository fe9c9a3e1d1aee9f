#include "mlops/model/baseline/linear_fit.h"

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"

namespace mlops {

namespace {

constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxBoundSteps = 2000;
constexpr double kTolerance = 1e-10;

/// lambda on every coefficient but the intercept's.
Eigen::VectorXd penalty(Eigen::Index columns, double lambda) {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(columns, lambda);
  p(0) = 0;
  return p;
}

LinearFit unpack(const Eigen::MatrixXd& theta) {  // rows: intercept then features
  return {theta.row(0).transpose(), theta.bottomRows(theta.rows() - 1)};
}

double log1p_exp(double z) {  // log(1 + e^z) without overflow
  return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

double logistic_objective(const Eigen::MatrixXd& a, const Eigen::VectorXd& y,
                          const Eigen::VectorXd& theta, const Eigen::VectorXd& p) {
  const Eigen::VectorXd z = a * theta;
  double loss = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) loss += log1p_exp(z(i)) - y(i) * z(i);
  return loss + 0.5 * theta.dot(p.cwiseProduct(theta));
}

/// a' diag(w) a, a block of rows at a time: Eigen would otherwise evaluate a' diag(w) into a
/// temporary as large as `a`.
Eigen::MatrixXd weighted_gram(const Eigen::MatrixXd& a, const Eigen::VectorXd& w) {
  constexpr Eigen::Index kBlockRows = 4096;
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(a.cols(), a.cols());
  Eigen::MatrixXd scaled;
  for (Eigen::Index begin = 0; begin < a.rows(); begin += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, a.rows() - begin);
    scaled.noalias() = w.segment(begin, rows).asDiagonal() * a.middleRows(begin, rows);
    gram.noalias() += a.middleRows(begin, rows).transpose() * scaled;
  }
  return gram;
}

}  // namespace

Eigen::MatrixXd with_intercept(const Eigen::MatrixXd& x) {
  Eigen::MatrixXd a(x.rows(), x.cols() + 1);
  a.col(0).setOnes();
  a.rightCols(x.cols()) = x;
  return a;
}

LinearFit fit_ridge(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, double alpha) {
  Eigen::MatrixXd gram = a.transpose() * a;
  gram.diagonal() += penalty(a.cols(), alpha);
  const Eigen::VectorXd theta = gram.ldlt().solve(a.transpose() * y);
  return unpack(theta);
}

LinearFit fit_logistic(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, double lambda) {
  const Eigen::VectorXd p = penalty(a.cols(), lambda);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(a.cols());
  double objective = logistic_objective(a, y, theta, p);
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    const Eigen::VectorXd z = a * theta;
    Eigen::VectorXd prob(z.size()), weight(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      prob(i) = 1 / (1 + std::exp(-z(i)));
      weight(i) = prob(i) * (1 - prob(i));
    }
    const Eigen::VectorXd gradient = a.transpose() * (prob - y) + p.cwiseProduct(theta);
    Eigen::MatrixXd hessian = weighted_gram(a, weight);
    hessian.diagonal() += p;
    hessian.diagonal().array() += 1e-12;  // one class only would leave the intercept unbounded
    const Eigen::VectorXd direction = hessian.ldlt().solve(gradient);
    // Newton with step halving: never accept a step that increases the objective.
    double scale = 1;
    Eigen::VectorXd next = theta - direction;
    double next_objective = logistic_objective(a, y, next, p);
    while (next_objective > objective && scale > 1e-6) {
      scale /= 2;
      next = theta - scale * direction;
      next_objective = logistic_objective(a, y, next, p);
    }
    const double change = (next - theta).cwiseAbs().maxCoeff();
    theta = next;
    objective = next_objective;
    if (change < kTolerance * (1 + theta.cwiseAbs().maxCoeff())) break;
  }
  return unpack(theta);
}

LinearFit fit_softmax(const Eigen::MatrixXd& a, std::span<const int> classes, int num_class,
                      double lambda) {
  if (static_cast<Eigen::Index>(classes.size()) != a.rows() || num_class < 2) {
    throw InternalError("fit_softmax: {} classes for {} rows, num_class {}", classes.size(),
                        a.rows(), num_class);
  }
  const Eigen::VectorXd p = penalty(a.cols(), lambda);
  Eigen::MatrixXd targets = Eigen::MatrixXd::Zero(a.rows(), num_class);
  for (Eigen::Index i = 0; i < a.rows(); ++i) targets(i, classes[static_cast<size_t>(i)]) = 1;
  // The softmax Hessian is at most 1/2 I per row (Boehning), so 1/2 A'A + P bounds the whole.
  Eigen::MatrixXd bound = 0.5 * (a.transpose() * a);
  bound.diagonal() += p;
  bound.diagonal().array() += 1e-12;
  const Eigen::LDLT<Eigen::MatrixXd> solver(bound);
  Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(a.cols(), num_class);
  for (int step = 0; step < kMaxBoundSteps; ++step) {
    Eigen::MatrixXd prob = a * theta;
    for (Eigen::Index i = 0; i < prob.rows(); ++i) {
      const double largest = prob.row(i).maxCoeff();
      prob.row(i) = (prob.row(i).array() - largest).exp();
      prob.row(i) /= prob.row(i).sum();
    }
    const Eigen::MatrixXd gradient = a.transpose() * (prob - targets) + p.asDiagonal() * theta;
    const Eigen::MatrixXd delta = solver.solve(gradient);
    theta -= delta;
    if (delta.cwiseAbs().maxCoeff() < kTolerance * (1 + theta.cwiseAbs().maxCoeff())) break;
  }
  return unpack(theta);
}

}  // namespace mlops
