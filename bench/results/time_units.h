/* Google Benchmark's time units as seconds: plain data, apart from the result records, so that a
 * reader of results files (reports/benchmark_file.c) needs nothing else of bench/. */
#ifndef LM_TIME_UNITS_H
#define LM_TIME_UNITS_H

/* Seconds in one `unit` ("ns", "us", "ms", "s"); 0 for an unknown unit. */
double lm_time_unit_seconds(const char *unit);

#endif
