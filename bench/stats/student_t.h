/* Student's t distribution: the CDF and its inverse, which a t interval of a mean of a few values
 * needs (log_ratio.h: one log ratio per round, rounds being 3 to 10). Written from the regularized
 * incomplete beta function, on libm alone; agrees with scipy.stats.t to about 1e-10 relative for df 1
 * to 1000 and probabilities 1e-6 to 1 - 1e-6 (tests/test_stats_oracle.py). */
#ifndef LM_STATS_STUDENT_T_H
#define LM_STATS_STUDENT_T_H

/* P(T <= t) for T with df > 0 degrees of freedom (df need not be an integer). The lower tail is
 * computed directly, so small values keep their relative accuracy: the upper tail P(T > t) is
 * lm_student_t_cdf(-t, df). NaN for a NaN t, or df not a finite positive number. */
double lm_student_t_cdf(double t, double df);

/* The t with lm_student_t_cdf(t, df) = p: -INFINITY for p 0, INFINITY for p 1, NaN for p outside
 * [0, 1] or df as above. */
double lm_student_t_quantile(double p, double df);

#endif
