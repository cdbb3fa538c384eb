/* The `latmac` commands, one file each. */
#ifndef LM_COMMANDS_H
#define LM_COMMANDS_H

int lm_cmd_info(int argc, char **argv); /* cmd_info.c */
int lm_cmd_run(int argc, char **argv);  /* cmd_run.c */
int lm_cmd_list(int argc, char **argv); /* cmd_list.c */
int lm_cmd_report(int argc, char **argv); /* cmd_report.c */
int lm_cmd_roofline(int argc, char **argv); /* cmd_roofline.c */
int lm_cmd_compare(int argc, char **argv); /* cmd_compare.c */
int lm_cmd_infer(int argc, char **argv); /* cmd_infer.c */
int lm_cmd_predict(int argc, char **argv); /* cmd_predict.c */

#endif
