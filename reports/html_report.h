/* The HTML report: one self-contained page (no scripts, no external files) over one or more runs'
 * results.json: the host and the method, the guideline experiments with the paper's numbers and
 * verdicts, the networks with latency against MAdds and MAC, where their time goes, and the kernels
 * against their peers. Several runs (hosts, or before and after a change) are shown side by side,
 * tagged A, B, ... */
#ifndef LM_REPORTS_HTML_REPORT_H
#define LM_REPORTS_HTML_REPORT_H

#include <stdio.h>

#include "reports/report_run.h"

/* Writes the page; sets each run's letter. 0, or -1 when writing failed. */
int lm_html_report_write(FILE *out, lm_report_run *runs, size_t count);

#endif
