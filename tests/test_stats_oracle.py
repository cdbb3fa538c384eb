"""bench/stats against SciPy and statsmodels as oracles, on many seeded samples, continuous and tied,
through tests/stats_oracle.c (requests on stdin, one answer a line): median, coefficient of variation
and quantiles against numpy; Mann-Whitney p-values (exact and normal approximation; two-sided, greater,
less) and the smallest attainable p against scipy.stats.mannwhitneyu; the Hodges-Lehmann ratio against
the median of the pairwise log ratios computed with numpy, and its interval against the order statistic
scipy's null distribution of U (or the normal quantile) picks; Holm against statsmodels' multipletests;
Pearson and Spearman against scipy.stats; the least-squares lines against scipy.stats.linregress; the
equivalence test against scipy's one-sided tests of the moved samples, and its rejection rate at the
margin's edge; the bootstrap against scipy.stats.bootstrap within resampling error; Student's t CDF
and quantile against scipy.stats.t; the t interval of a ratio from per-round log ratios against
scipy.stats.t.interval (trimmed: scipy.stats.mstats.trimmed_mean_ci), and the rounds it needs against a search over scipy's t.ppf; Page's trend test
against scipy.stats.page_trend_test (exact and asymptotic) and, for tied weights or values, against
the permutation distribution enumerated here. Every check is skipped (TAP SKIP) where numpy, SciPy or
statsmodels is missing.

Usage: test_stats_oracle.py STATS_ORACLE
"""
import itertools
import math
import subprocess
import sys

import tap

try:
    import numpy as np
    from scipy import optimize, stats
    from statsmodels.stats.multitest import multipletests
    MISSING = None
except ImportError as e:
    MISSING = f"{e.name} is not installed (Debian: python3-scipy, python3-statsmodels)"

ORACLE = sys.argv[1]
EXACT_MAX = 50  # LM_RANK_EXACT_MAX: the exact distribution of U up to this size a side, without ties
CASES = 300


def need():
    if MISSING:
        raise tap.Skip(MISSING)


def ask(requests):
    """The oracle program's answers to `requests`, a list of floats each."""
    text = "".join(r + "\n" for r in requests)
    lines = subprocess.run([ORACLE], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(lines) == len(requests), f"{len(lines)} answers to {len(requests)} requests"
    for line in lines:
        assert not line.startswith("error"), line
    return [[float(v) for v in line.split()] for line in lines]


def values(x):
    """A sample as the protocol spells it: its length, then values that read back bit for bit."""
    return " ".join([str(len(x))] + [repr(float(v)) for v in x])


def paired_values(x, y):
    """Two paired samples: their common length, then the values of each."""
    return " ".join([str(len(x))] + [repr(float(v)) for v in (*x, *y)])


class Mismatches:
    """Collects disagreements and fails with the first few and their count."""

    def __init__(self):
        self.found, self.compared = [], 0

    def check(self, what, got, want, rel, abs_=0.0):
        self.compared += 1
        if math.isnan(want) and math.isnan(got):
            return
        if not abs(got - want) <= abs_ + rel * abs(want):
            self.found.append(f"{what}: got {got!r}, expected {want!r}")

    def done(self):
        assert self.compared, "nothing was compared"
        assert not self.found, f"{len(self.found)} of {self.compared} disagree:\n" + "\n".join(self.found[:8])
        print(f"# {self.compared} values agree", flush=True)


def pair(rng, tied, largest):
    """Two positive samples of 1..largest values: continuous (lognormal, b about 10% slower), or small
    integers with many ties."""
    n, m = (int(v) for v in rng.integers(1, largest + 1, size=2))
    if tied:
        k = int(rng.integers(2, 8))
        return rng.integers(1, k + 1, n).astype(float), rng.integers(1, k + 1, m).astype(float)
    return rng.lognormal(0, 0.1, n), rng.lognormal(0.1, 0.1, m)


def has_ties(*samples):
    pooled = np.concatenate(samples)
    return len(np.unique(pooled)) < len(pooled)


def scipy_mwu(a, b, alternative):
    """scipy's p for our U (pairs with a < b): its U of b against a, by the method bench/stats uses."""
    exact = not has_ties(a, b) and len(a) <= EXACT_MAX and len(b) <= EXACT_MAX
    return stats.mannwhitneyu(b, a, alternative=alternative, method="exact" if exact else "asymptotic",
                              use_continuity=True).pvalue


ALTERNATIVES = ["two-sided", "greater", "less"]  # the oracle's 0, 1, 2


@tap.check("median, coefficient of variation and quantiles agree with numpy")
def summaries():
    need()
    rng = np.random.default_rng(1)
    samples = [pair(rng, i % 2 == 1, 60)[0] for i in range(CASES)]
    qs = [0, 0.025, 0.1, 0.5, 0.9, 0.975, 1]
    requests = []
    for x in samples:
        requests += [f"median {values(x)}", f"cv {values(x)}"] + [f"quantile {q!r} {values(x)}" for q in qs]
    answers = iter(ask(requests))
    m = Mismatches()
    for x in samples:
        m.check(f"median of {len(x)}", next(answers)[0], float(np.median(x)), 1e-15)
        cv = float(np.std(x, ddof=1) / np.mean(x)) if len(x) > 1 else math.nan
        m.check(f"cv of {len(x)}", next(answers)[0], cv, 1e-12, 1e-15)
        for q in qs:
            m.check(f"quantile {q} of {len(x)}", next(answers)[0], float(np.quantile(x, q)), 1e-13, 1e-15)
    m.done()


def mwu_check(seed, tied, largest, smallest=1):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < CASES:
        a, b = pair(rng, tied, largest)
        if min(len(a), len(b)) < smallest or len(set(np.concatenate([a, b]))) < 2:
            continue  # all equal: scipy's z is undefined; bench/stats says p = 1 (test_stats.c)
        cases.append((a, b, len(cases) % 3))
    answers = ask([f"mwu {alt} {values(a)} {values(b)}" for a, b, alt in cases])
    m = Mismatches()
    for (a, b, alt), got in zip(cases, answers):
        m.check(f"{ALTERNATIVES[alt]} p of {len(a)} and {len(b)}", got[0], scipy_mwu(a, b, ALTERNATIVES[alt]),
                1e-9, 1e-14)
    return m


@tap.check("exact Mann-Whitney p-values (no ties, up to 50 a side) agree with mannwhitneyu(method='exact'), "
           "two-sided, greater and less")
def mwu_exact():
    need()
    mwu_check(2, tied=False, largest=EXACT_MAX).done()


@tap.check("normal-approximation p-values (ties, or over 50 a side) agree with mannwhitneyu(method='asymptotic')")
def mwu_asymptotic():
    need()
    mwu_check(3, tied=True, largest=80).done()
    mwu_check(4, tied=False, largest=90, smallest=EXACT_MAX + 1).done()


@tap.check("the smallest attainable p agrees with scipy on completely separated samples")
def min_p():
    need()
    sizes = [(n, m) for n in (1, 2, 3, 5, 9, 20, 50, 51, 70) for m in (1, 2, 4, 9, 33, 50, 60)]
    answers = ask([f"minp {n} {m}" for n, m in sizes])
    mm = Mismatches()
    for (n, m), got in zip(sizes, answers):
        a, b = np.arange(n, dtype=float), np.arange(n, n + m, dtype=float)
        mm.check(f"min p of {n} and {m}", got[0], scipy_mwu(a, b, "two-sided"), 1e-9, 1e-300)
    mm.done()


def u_cdf(n, m, u):
    """P(U <= u) for samples of n and m distinct values, from scipy's exact test of samples built to have
    exactly u pairs with a < b: b = 0..m-1, and each a_i just below the c_i largest b's."""
    c, left = [], u
    for _ in range(n):
        c.append(min(m, left))
        left -= c[-1]
    a = np.array([m - ci - 0.5 + i * 1e-6 for i, ci in enumerate(c)])
    b = np.arange(m, dtype=float)
    return stats.mannwhitneyu(b, a, alternative="less", method="exact").pvalue


def interval_rank(a, b, confidence):
    """How many ratios the interval leaves out at each end, plus one (see rank_tests.c)."""
    n, m = len(a), len(b)
    tail = (1 - confidence) / 2
    if not has_ties(a, b) and n <= EXACT_MAX and m <= EXACT_MAX:
        lo, hi = 0, n * m + 1  # the first u with P(U <= u) > tail, by bisection (P(U <= nm) = 1)
        while lo < hi:
            mid = (lo + hi) // 2
            if u_cdf(n, m, mid) > tail * (1 + 1e-12):
                hi = mid
            else:
                lo = mid + 1
        return lo
    z = stats.norm.ppf(1 - tail)
    return max(1, math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12)))


@tap.check("the Hodges-Lehmann ratio is the median of the pairwise log ratios, its interval the order "
           "statistics scipy's distribution of U (or the normal quantile) picks")
def hodges_lehmann():
    need()
    rng = np.random.default_rng(5)
    cases = []
    for i in range(CASES):
        a, b = pair(rng, i % 3 == 2, 30 if i % 5 else 60)
        cases.append((a, b, [0.9, 0.95, 0.99][i % 3]))
    answers = ask([f"hl {conf!r} {values(a)} {values(b)}" for a, b, conf in cases])
    m = Mismatches()
    for (a, b, conf), (ratio, low, high) in zip(cases, answers):
        ratios = np.sort((b[None, :] / a[:, None]).ravel())
        what = f"{len(a)} and {len(b)} at {conf}"
        m.check(f"ratio of {what}", ratio, float(np.exp(np.median(np.log(ratios)))), 1e-12)
        k = min(interval_rank(a, b, conf), (len(ratios) + 1) // 2)
        want_low, want_high = (ratios[k - 1], ratios[len(ratios) - k]) if k >= 1 else (ratio, ratio)
        m.check(f"low of {what}", low, float(want_low), 1e-15)
        m.check(f"high of {what}", high, float(want_high), 1e-15)
    m.done()


@tap.check("Holm's adjustment agrees with statsmodels' multipletests(method='holm')")
def holm():
    need()
    rng = np.random.default_rng(6)
    vectors = []
    for i in range(CASES):
        k = int(rng.integers(1, 41))
        p = rng.uniform(0, 1, k) ** 3
        if i % 3 == 0:
            p = np.round(p, 2)  # ties
        if i % 4 == 0:
            p[rng.integers(0, k)] = 1.0
        vectors.append(p)
    answers = ask([f"holm {values(p)}" for p in vectors])
    m = Mismatches()
    for p, got in zip(vectors, answers):
        want = multipletests(p, method="holm")[1]
        for i, (g, w) in enumerate(zip(got, want)):
            m.check(f"adjusted p {i} of {len(p)}", g, float(w), 1e-12, 1e-16)
    m.done()


def paired(rng, i):
    n = int(rng.integers(3, 200))
    if i % 2:
        x, y = rng.integers(0, 6, n).astype(float), rng.integers(0, 6, n).astype(float)
    else:
        x = rng.lognormal(0, 1, n)
        y = x ** rng.uniform(-1, 1) * rng.lognormal(0, 0.5, n)
    return x, y


@tap.check("Pearson's and Spearman's correlations agree with scipy.stats.pearsonr and spearmanr")
def correlations():
    need()
    rng = np.random.default_rng(7)
    cases = [c for c in (paired(rng, i) for i in range(CASES)) if np.ptp(c[0]) > 0 and np.ptp(c[1]) > 0]
    answers = iter(ask([f"{name} {paired_values(x, y)}" for x, y in cases for name in ("pearson", "spearman")]))
    m = Mismatches()
    for x, y in cases:
        m.check(f"pearson of {len(x)}", next(answers)[0], float(stats.pearsonr(x, y)[0]), 0, 1e-12)
        m.check(f"spearman of {len(x)}", next(answers)[0], float(stats.spearmanr(x, y)[0]), 0, 1e-12)
    m.done()


@tap.check("least-squares lines, plain and log-log, agree with scipy.stats.linregress")
def lines():
    need()
    rng = np.random.default_rng(8)
    cases = []
    for i in range(CASES):
        n = int(rng.integers(3, 100))
        x = rng.lognormal(0, 1, n) if i % 4 else rng.integers(1, 5, n).astype(float)
        if np.ptp(x) == 0:
            continue
        cases.append((x, 3 * x ** rng.uniform(0.2, 2) * rng.lognormal(0, 0.3, n)))
    answers = iter(ask([f"{name} {paired_values(x, y)}" for x, y in cases for name in ("line", "loglog")]))
    m = Mismatches()
    for x, y in cases:
        for what, (u, v) in (("line", (x, y)), ("log-log", (np.log(x), np.log(y)))):
            got, want = next(answers), stats.linregress(u, v)
            m.check(f"{what} intercept of {len(x)}", got[0], float(want.intercept), 1e-9, 1e-12)
            m.check(f"{what} slope of {len(x)}", got[1], float(want.slope), 1e-9, 1e-12)
            m.check(f"{what} R^2 of {len(x)}", got[2], float(want.rvalue ** 2), 0, 1e-12)
    m.done()


@tap.check("the least-squares plane agrees with statsmodels' OLS, and the partial correlation with scipy's "
           "Pearson on statsmodels' residuals")
def planes_and_partial_correlations():
    need()
    import statsmodels.api as sm
    rng = np.random.default_rng(12)
    cases = []
    for i in range(CASES):
        n = int(rng.integers(4, 80))
        z = rng.lognormal(0, 1, n)
        x = 0.5 * z + rng.normal(0, 1 + i % 3, n)
        y = 2 + 0.3 * z - 0.7 * x * (i % 2) + rng.normal(0, 1, n)
        cases.append((x, y, z))
    answers = iter(ask([f"{name} {len(x)} " + " ".join(repr(float(v)) for v in (*a, *b, *c))
                        for x, y, z in cases
                        for name, (a, b, c) in (("plane", (x, z, y)), ("partial", (x, y, z)))]))
    m = Mismatches()
    for x, y, z in cases:
        got, want = next(answers), sm.OLS(y, sm.add_constant(np.column_stack([x, z]))).fit().params
        for k, what in enumerate(("intercept", "b1", "b2")):
            m.check(f"plane {what} of {len(x)}", got[k], float(want[k]), 1e-9, 1e-12)
        design = sm.add_constant(z)
        rx, ry = sm.OLS(x, design).fit().resid, sm.OLS(y, design).fit().resid
        m.check(f"partial correlation of {len(x)}", next(answers)[0], float(stats.pearsonr(rx, ry)[0]), 0, 1e-10)
    m.done()


@tap.check("the equivalence test's one-sided p-values are scipy's Mann-Whitney on b moved to the margin's edges")
def equivalence():
    need()
    rng = np.random.default_rng(9)
    cases = []
    for i in range(CASES):
        a, b = pair(rng, i % 3 == 2, 60)
        cases.append((a, b, [0.02, 0.05, 0.1, 0.2][i % 4]))
    answers = ask([f"tost {margin!r} {values(a)} {values(b)}" for a, b, margin in cases])
    m = Mismatches()
    for (a, b, margin), (p_lower, p_upper, p) in zip(cases, answers):
        edge = 1 + margin
        moved_up, moved_down = b * edge, b / edge
        want = []
        for moved, alternative in ((moved_up, "greater"), (moved_down, "less")):
            all_equal = len(set(np.concatenate([a, moved]))) < 2
            want.append(1.0 if all_equal else float(scipy_mwu(a, moved, alternative)))
        what = f"{len(a)} and {len(b)} within {margin}"
        m.check(f"lower p of {what}", p_lower, want[0], 1e-9, 1e-14)
        m.check(f"upper p of {what}", p_upper, want[1], 1e-9, 1e-14)
        m.check(f"p of {what}", p, max(want), 1e-9, 1e-14)
    m.done()


@tap.check("at the margin's edge the equivalence test shows equivalence at most alpha of the time")
def equivalence_size():
    need()
    rng = np.random.default_rng(10)
    trials, alpha = 1000, 0.05
    edge = [(rng.lognormal(0, 0.05, 12), 1.05 * rng.lognormal(0, 0.05, 12)) for _ in range(trials)]
    inside = [(rng.lognormal(0, 0.02, 30), rng.lognormal(0, 0.02, 30)) for _ in range(200)]
    answers = ask([f"tost 0.05 {values(a)} {values(b)}" for a, b in edge + inside])
    at_edge = sum(p < alpha for _, _, p in answers[:trials]) / trials
    power = sum(p < alpha for _, _, p in answers[trials:]) / len(inside)
    print(f"# shown equivalent: {at_edge:.3f} of samples 5% apart, {power:.3f} of equal ones", flush=True)
    assert at_edge <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / trials), at_edge
    assert power > 0.8, power


@tap.check("the bootstrap interval agrees with scipy.stats.bootstrap(method='percentile') within resampling "
           "error, and the same seed gives the same interval")
def bootstrap():
    need()
    rng = np.random.default_rng(11)
    resamples, confidence = 4000, 0.95
    cases = [(rng.lognormal(0, 0.1, int(rng.integers(9, 40))), rng.lognormal(0.1, 0.1, int(rng.integers(9, 40))))
             for _ in range(30)]
    requests = [f"bootstrap {confidence} {resamples} {i + 1} {values(a)} {values(b)}" for i, (a, b) in enumerate(cases)]
    answers = ask(requests)
    assert ask(requests[:5]) == answers[:5], "the same seed gave another interval"
    m, worst = Mismatches(), 0.0
    for (a, b), (ratio, low, high) in zip(cases, answers):
        m.check(f"ratio of {len(a)} and {len(b)}", ratio, float(np.median(b) / np.median(a)), 1e-15)
        want = stats.bootstrap((a, b), lambda x, y, axis: np.median(y, axis=axis) / np.median(x, axis=axis),
                               vectorized=True, paired=False, method="percentile", n_resamples=resamples,
                               confidence_level=confidence, random_state=rng).confidence_interval
        width = math.log(want.high / want.low)
        for name, got, expected in (("low", low, want.low), ("high", high, want.high)):
            off = abs(math.log(got / expected)) / width
            worst = max(worst, off)
            m.check(f"{name} of {len(a)} and {len(b)}, in widths of scipy's interval", off, 0, 0, 0.2)
    print(f"# the endpoints are within {worst:.3f} of scipy's interval's (log) width", flush=True)
    m.done()


def t_quantile(p, df):
    """The t quantile as the inverse of scipy's t CDF: scipy's t.ppf (cephes' stdtri before SciPy 1.17)
    inverts its own CDF only to about 1e-9, so its answer is polished by Brent's method on the smaller
    tail, which scipy computes to full precision."""
    lower = p < 0.5
    q = p if lower else 1 - p
    guess = float(stats.t.ppf(q, df))  # negative
    if guess == 0:
        return 0.0
    t = optimize.brentq(lambda x: stats.t.cdf(x, df) / q - 1, guess * (1 + 1e-6), guess * (1 - 1e-6),
                        xtol=1e-300, rtol=1e-15, maxiter=200)
    return t if lower else -t


@tap.check("Student's t CDF (both tails) agrees with scipy.stats.t to 1e-10, and the quantile inverts "
           "scipy's CDF to 1e-10 (and matches t.ppf to 1e-8), df 1 to 1000, probabilities 1e-6 to 1 - 1e-6")
def student_t():
    need()
    rng = np.random.default_rng(12)
    dfs = [1, 2, 3, 4, 5, 7, 9, 10, 15, 20, 30, 50, 100, 300, 1000] + list(rng.uniform(1, 1000, 10))
    ps = list(np.logspace(-6, math.log10(0.5), 25)) + list(rng.uniform(1e-6, 1 - 1e-6, 15))
    ps += [1 - p for p in ps]
    cases = [(float(df), float(p)) for df in dfs for p in ps]
    requests = []
    for df, p in cases:
        t = float(stats.t.ppf(p, df))
        requests += [f"tppf {p!r} {df!r}", f"tcdf {t!r} {df!r}", f"tcdf {-t!r} {df!r}"]
    answers = iter(ask(requests))
    m = Mismatches()
    for df, p in cases:
        t, got = float(stats.t.ppf(p, df)), next(answers)[0]
        m.check(f"quantile of {p} at df {df}, against t.ppf", got, t, 1e-8, 1e-15)
        tail, want = (stats.t.cdf(got, df), p) if p < 0.5 else (stats.t.sf(got, df), 1 - p)
        m.check(f"scipy's tail at the quantile of {p} at df {df}", float(tail), want, 1e-10)
        m.check(f"cdf of {t} at df {df}", next(answers)[0], float(stats.t.cdf(t, df)), 1e-10)
        m.check(f"upper tail of {t} at df {df}", next(answers)[0], float(stats.t.sf(t, df)), 1e-10)
    m.done()


@tap.check("the t interval of a ratio from per-round log ratios is scipy.stats.t.interval of their mean, "
           "exponentiated; trimmed, scipy.stats.mstats.trimmed_mean_ci's (Yuen's)")
def log_ratio_interval():
    need()
    rng = np.random.default_rng(13)
    cases = [(rng.normal(rng.uniform(-0.2, 0.2), rng.uniform(0.001, 0.1), int(rng.integers(1, 13))),
              [0.8, 0.9, 0.95, 0.99, 1 - 0.05 / 18, 1 - 0.05 / 36][i % 6]) for i in range(CASES)]
    answers = ask([f"logratio {conf!r} 0 {values(d)}" for d, conf in cases])
    outlying = [d.copy() for d, _ in cases]
    for d in outlying[::2]:  # an outlying round, which the trimmed interval is for
        d[rng.integers(0, len(d))] += rng.choice([-1, 1]) * rng.uniform(0.2, 0.8)
    trims = [0.1, 0.2, 0.25]
    trimmed = ask([f"logratio {conf!r} {trims[i % 3]!r} {values(outlying[i])}" for i, (_, conf) in enumerate(cases)])
    m = Mismatches()
    for i, ((_, conf), (ratio, lo, hi, mean, sd, n)) in enumerate(zip(cases, trimmed)):
        d = outlying[i]
        g = int(math.floor(trims[i % 3] * len(d) + 1e-9))
        what = f"{len(d)} rounds at {conf}, {g} trimmed from each end"
        if g == 0:  # the plain interval
            m.check(f"mean of {what}", mean, float(np.mean(d)), 1e-12, 1e-15)
            continue
        limits = (g / len(d), g / len(d))
        m.check(f"mean of {what}", mean, float(stats.mstats.trimmed_mean(d, limits=limits)), 1e-12, 1e-15)
        m.check(f"ratio of {what}", ratio, math.exp(float(stats.mstats.trimmed_mean(d, limits=limits))), 1e-12)
        m.check(f"sd of {what}", sd, float(np.std(stats.mstats.winsorize(d, limits=limits), ddof=1)), 1e-12, 1e-15)
        if len(d) - 2 * g < 2:
            m.check(f"lo of {what}", lo, math.nan, 0)
            continue
        low, high = stats.mstats.trimmed_mean_ci(d, limits=limits, alpha=1 - conf)  # t.ppf's 1e-9
        m.check(f"lo of {what}, against trimmed_mean_ci", lo, math.exp(low), 1e-9, 1e-12)
        m.check(f"hi of {what}, against trimmed_mean_ci", hi, math.exp(high), 1e-9, 1e-12)
    for (d, conf), (ratio, lo, hi, mean, sd, n) in zip(cases, answers):
        what = f"{len(d)} rounds at {conf}"
        m.check(f"n of {what}", n, len(d), 0)
        m.check(f"mean of {what}", mean, float(np.mean(d)), 1e-12, 1e-15)
        m.check(f"ratio of {what}", ratio, float(np.exp(np.mean(d))), 1e-12)
        if len(d) < 2:
            for name, got in (("sd", sd), ("lo", lo), ("hi", hi)):
                m.check(f"{name} of {what}", got, math.nan, 0)
            continue
        sem = np.std(d, ddof=1) / math.sqrt(len(d))
        m.check(f"sd of {what}", sd, float(np.std(d, ddof=1)), 1e-12)
        low, high = stats.t.interval(conf, len(d) - 1, loc=np.mean(d), scale=sem)  # t.ppf's 1e-9
        m.check(f"lo of {what}, against t.interval", lo, math.exp(low), 1e-9)
        m.check(f"hi of {what}, against t.interval", hi, math.exp(high), 1e-9)
        half = t_quantile((1 + conf) / 2, len(d) - 1) * sem
        m.check(f"lo of {what}", lo, float(np.exp(np.mean(d) - half)), 1e-12)
        m.check(f"hi of {what}", hi, float(np.exp(np.mean(d) + half)), 1e-12)
    m.done()


@tap.check("the rounds needed to resolve a margin are the first n whose t half-width (scipy's t.ppf), "
           "plain or trimmed, fits inside it, or 0 past the maximum")
def rounds_to_resolve():
    need()
    rng = np.random.default_rng(14)
    cases = []
    while len(cases) < CASES:
        sd, margin = float(10 ** rng.uniform(-3, -0.5)), [0.01, 0.02, 0.05, 0.1][len(cases) % 4]
        conf, top = [0.9, 0.95, 0.99][len(cases) % 3], [2, 3, 5, 10, 30, 1000][int(rng.integers(0, 6))]
        trim = [0, 0.2][len(cases) % 2]
        ns = np.arange(2, top + 1)
        g = np.floor(trim * ns + 1e-9)
        kept = ns - 2 * g
        with np.errstate(invalid="ignore"):
            half = np.where(kept >= 2, stats.t.ppf((1 + conf) / 2, kept - 1) * sd / (kept / ns * np.sqrt(ns)), np.inf)
        if np.any(np.abs(half / math.log1p(margin) - 1) < 1e-7):
            continue  # on the boundary: t.ppf's error (about 1e-9) decides
        fits = np.nonzero(half < math.log1p(margin))[0]
        cases.append((sd, margin, conf, trim, top, int(ns[fits[0]]) if len(fits) else 0))
    answers = ask([f"resolve {sd!r} {margin!r} {conf!r} {trim!r} {top}" for sd, margin, conf, trim, top, _ in cases])
    m = Mismatches()
    for (sd, margin, conf, trim, top, want), got in zip(cases, answers):
        m.check(f"rounds for sd {sd} within {margin} at {conf}, trim {trim}, up to {top}", got[0], want, 0)
    print(f"# {sum(c[5] == 0 for c in cases)} of {len(cases)} need more than their maximum", flush=True)
    m.done()


def page_request(alt, data, weights):
    blocks, k = data.shape
    return " ".join(["page", str(alt), str(blocks), str(k)] + [repr(float(v)) for v in (*weights, *data.ravel())])


def scipy_page(data, weights, alt, method):
    """scipy's p for the oracle's alternative: scipy tests only 'greater'; negating the data reverses
    every block's ranks, so its p on -data is the p for 'less'."""
    def greater(x):
        return float(stats.page_trend_test(x, predicted_ranks=weights, method=method).pvalue)
    up, down = greater(data), greater(-data)
    return [min(1.0, 2 * min(up, down)), up, down][alt]


def trend_data(rng, blocks, k, ties=False):
    """Rounds of k cases whose values drift upwards (or not) with the case, around a per-round level."""
    slope = rng.choice([0, 0.05, 0.3, -0.1])
    x = rng.normal(0, 0.2, (blocks, 1)) + slope * np.arange(k) + rng.normal(0, 0.2, (blocks, k))
    return np.round(x * 4) if ties else x


@tap.check("Page's L and its exact p agree with scipy.stats.page_trend_test(method='exact') for up to 8 "
           "cases and 10 rounds (scipy's needs 3 and 2 at least), weights a permutation of 1..k, all three alternatives")
def page_exact():
    need()
    rng = np.random.default_rng(15)
    cases = []
    for i in range(CASES):
        k, blocks = int(rng.integers(3, 9)), int(rng.integers(2, 11))
        cases.append((trend_data(rng, blocks, k), rng.permutation(k) + 1, i % 3))
    answers = ask([page_request(alt, data, w) for data, w, alt in cases])
    m = Mismatches()
    for (data, w, alt), (l, mean, sd, p, exact) in zip(cases, answers):
        what = f"{data.shape[0]} rounds of {data.shape[1]} ({ALTERNATIVES[alt]})"
        m.check(f"exact flag of {what}", exact, 1, 0)
        m.check(f"L of {what}", l, float(stats.page_trend_test(data, predicted_ranks=w).statistic), 0)
        m.check(f"p of {what}", p, scipy_page(data, w, alt, "exact"), 1e-9, 1e-14)
    m.done()


@tap.check("past 8 cases Page's p is the normal approximation, as page_trend_test(method='asymptotic')")
def page_asymptotic():
    need()
    rng = np.random.default_rng(16)
    cases = []
    for i in range(CASES):
        k, blocks = int(rng.integers(9, 16)), int(rng.integers(2, 21))
        cases.append((trend_data(rng, blocks, k), rng.permutation(k) + 1, i % 3))
    answers = ask([page_request(alt, data, w) for data, w, alt in cases])
    m = Mismatches()
    for (data, w, alt), (l, mean, sd, p, exact) in zip(cases, answers):
        blocks, k = data.shape
        what = f"{blocks} rounds of {k} ({ALTERNATIVES[alt]})"
        m.check(f"exact flag of {what}", exact, 0, 0)
        m.check(f"L of {what}", l, float(stats.page_trend_test(data, predicted_ranks=w).statistic), 0)
        m.check(f"mean of {what}", mean, blocks * k * (k + 1) ** 2 / 4, 1e-14)
        m.check(f"sd of {what}", sd, math.sqrt(blocks * k ** 2 * (k + 1) * (k ** 2 - 1) / 144), 1e-13)
        m.check(f"p of {what}", p, scipy_page(data, w, alt, "asymptotic"), 1e-9, 1e-14)
    m.done()


def permutation_distribution(data, weights):
    """The null distribution of 4L (an integer for half-integer weights and midranks) as {4L: P}: each
    block's midranks in every order against the weights, the blocks convolved."""
    total = {0: 1.0}
    for row in data:
        doubled = [int(v) for v in 2 * stats.rankdata(row)]
        block = {}
        orders = list(itertools.permutations(doubled))
        for order in orders:
            s = sum(int(2 * w) * r for w, r in zip(weights, order))
            block[s] = block.get(s, 0) + 1 / len(orders)
        convolved = {}
        for a, pa in total.items():
            for b, pb in block.items():
                convolved[a + b] = convolved.get(a + b, 0) + pa * pb
        total = convolved
    return total


@tap.check("with tied weights (half-integers too) or tied values, Page's exact p, mean and sd are those of "
           "the permutation distribution of the midranks enumerated here")
def page_ties():
    need()
    rng = np.random.default_rng(17)
    cases = []
    for i in range(CASES // 2):
        k, blocks = int(rng.integers(2, 7)), int(rng.integers(1, 6))
        weights = rng.integers(0, 4, k) / (2 if i % 3 == 0 else 1)
        cases.append((trend_data(rng, blocks, k, ties=i % 2 == 0), weights, i % 3))
    answers = ask([page_request(alt, data, w) for data, w, alt in cases])
    m = Mismatches()
    for (data, w, alt), (l, mean, sd, p, exact) in zip(cases, answers):
        what = f"{data.shape[0]} rounds of {data.shape[1]}, weights {list(w)} ({ALTERNATIVES[alt]})"
        ranks = np.apply_along_axis(stats.rankdata, 1, data)
        want_l = float((ranks * w).sum())
        dist = permutation_distribution(data, w)
        support = np.array(sorted(dist), dtype=float) / 4
        probs = np.array([dist[s] for s in sorted(dist)])
        want_mean = float((support * probs).sum())
        want_sd = math.sqrt(max(0.0, float(((support - want_mean) ** 2 * probs).sum())))
        up = float(probs[support >= want_l - 1e-9].sum())
        down = float(probs[support <= want_l + 1e-9].sum())
        m.check(f"exact flag of {what}", exact, 1, 0)
        m.check(f"L of {what}", l, want_l, 1e-15)
        m.check(f"mean of {what}", mean, want_mean, 1e-12)
        m.check(f"sd of {what}", sd, want_sd, 1e-9, 1e-12)
        m.check(f"p of {what}", p, min(1.0, [2 * min(up, down), up, down][alt]), 1e-9, 1e-14)
    m.done()


sys.exit(tap.run())
