// Statistics for the distribution tests: Pearson's chi-square test of counts
// against expected shares. Seeds are fixed, so a run is deterministic; the
// bounds still come from the sample size, not from a run that happened to pass.
#pragma once

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace weir::upstream::lb::testing {

// Pearson's statistic sum((observed - expected)^2 / expected).
inline double chi_square(const std::vector<uint64_t>& observed, const std::vector<double>& shares) {
  const double total = static_cast<double>(std::accumulate(observed.begin(), observed.end(), 0ull));
  const double share_sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  double statistic = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = total * shares[i] / share_sum;
    const double d = static_cast<double>(observed[i]) - expected;
    statistic += d * d / expected;
  }
  return statistic;
}

// The chi-square value that a correct sampler exceeds with probability
// 1e-4, for `dof` degrees of freedom, by the Wilson-Hilferty approximation
// (chi2/k is close to normal after a cube root).
inline double chi_square_critical(unsigned dof) {
  const double k = dof;
  const double z = 3.719;  // the standard normal's 1 - 1e-4 quantile
  const double t = 1.0 - 2.0 / (9.0 * k) + z * std::sqrt(2.0 / (9.0 * k));
  return k * t * t * t;
}

// A binomial proportion's bound: `sigmas` standard deviations of the share
// estimated from `samples` draws.
inline double proportion_tolerance(double share, uint64_t samples, double sigmas = 4.0) {
  return sigmas * std::sqrt(share * (1.0 - share) / static_cast<double>(samples));
}

}  // namespace weir::upstream::lb::testing
