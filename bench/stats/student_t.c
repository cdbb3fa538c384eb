/* Student's t distribution (see student_t.h).
 *
 * For t < 0, P(T <= t) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2), I the regularized incomplete
 * beta function, and symmetry gives t > 0. I comes from its continued fraction (DLMF 8.17.22), which
 * converges quickly for x < (a + 1) / (a + b + 2); beyond that I_x(a, b) = 1 - I_{1-x}(b, a) is used,
 * whose continued fraction then converges. x and 1 - x are both formed from t directly, since 1 - x
 * computed as a difference would lose the digits of a small t^2 / df. */
#include "bench/stats/student_t.h"

#include <math.h>
#include <stdbool.h>

/* The continued fraction of I_x(a, b) without its prefactor, by the modified Lentz method: the terms
 * are d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and
 * d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)), in 1 / (1 + d_1 / (1 + d_2 / (1 + ...))). */
static double beta_fraction(double a, double b, double x) {
    const double tiny = 1e-300, eps = 1e-16;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double f = d;
    for (int m = 1; m <= 10000; m++) {
        for (int odd = 0; odd < 2; odd++) {
            const double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                   : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d;
            if (fabs(d) < tiny) d = tiny;
            c = 1 + num / c;
            if (fabs(c) < tiny) c = tiny;
            d = 1 / d;
            const double step = c * d;
            f *= step;
            if (odd && fabs(step - 1) < eps) return f;
        }
    }
    return f; /* not reached for the a, b and x used here */
}

/* I_x(a, b) where y = 1 - x is given too (both exact as the caller formed them). */
static double incomplete_beta(double a, double b, double x, double y) {
    if (x <= 0) return 0;
    if (y <= 0) return 1;
    /* x^a y^b / (a B(a, b)), the logarithms of x and y taken from whichever is the more accurate */
    const double log_x = x < 0.5 ? log(x) : log1p(-y), log_y = y < 0.5 ? log(y) : log1p(-x);
    const double log_front = a * log_x + b * log_y + lgamma(a + b) - lgamma(a) - lgamma(b);
    if (x < (a + 1) / (a + b + 2)) return exp(log_front) / a * beta_fraction(a, b, x);
    return 1 - exp(log_front) / b * beta_fraction(b, a, y);
}

static bool valid_df(double df) { return df > 0 && isfinite(df); }

double lm_student_t_cdf(double t, double df) {
    if (isnan(t) || !valid_df(df)) return NAN;
    if (isinf(t)) return t < 0 ? 0 : 1;
    const double t2 = t * t;
    double x, y; /* x = df / (df + t^2), y = t^2 / (df + t^2) */
    if (t2 > df * 1e300) { /* t^2 alone would overflow the sum: x is df / t^2 to within rounding */
        x = df / t2;
        y = 1;
    } else {
        x = df / (df + t2);
        y = t2 / (df + t2);
    }
    const double lower = 0.5 * incomplete_beta(df / 2, 0.5, x, y); /* P(T <= -|t|) */
    return t < 0 ? lower : 1 - lower;
}

/* The density, the derivative Newton's steps need. */
static double density(double t, double df) {
    return exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * M_PI) - (df + 1) / 2 * log1p(t * t / df));
}

double lm_student_t_quantile(double p, double df) {
    if (!(p >= 0 && p <= 1) || !valid_df(df)) return NAN;
    if (p == 0) return -INFINITY;
    if (p == 1) return INFINITY;
    if (p == 0.5) return 0;
    /* Solved in the lower tail, where q keeps all its digits, and mirrored for p above one half. */
    const double q = p < 0.5 ? p : 1 - p;
    /* A bracket [lo, hi] with cdf(lo) <= q < cdf(hi), found by doubling... */
    double lo = -1, hi = 0;
    while (lm_student_t_cdf(lo, df) > q) {
        hi = lo;
        lo *= 2;
        if (isinf(lo)) return p < 0.5 ? -INFINITY : INFINITY;
    }
    /* ...then Newton's steps from its midpoint, a step leaving the bracket replaced by bisection. Every
     * evaluation narrows the bracket, so this ends even where the density underflows. */
    double t = 0.5 * (lo + hi);
    for (int it = 0; it < 400; it++) {
        const double f = lm_student_t_cdf(t, df) - q;
        if (f == 0) break;
        if (f < 0) lo = t;
        else hi = t;
        const double slope = density(t, df);
        double next = t - f / slope;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        const double moved = fabs(next - t);
        t = next;
        if (moved <= 1e-15 * fabs(t) || hi - lo <= 1e-15 * fabs(t)) break;
    }
    return p < 0.5 ? t : -t;
}
