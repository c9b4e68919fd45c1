/* sshtun: the command line's answers to the library's questions: the terminal, or SSH_ASKPASS as ssh uses it. */
#ifndef CLI_ASK_H
#define CLI_ASK_H

#include "sshtun.h"

/*
 * The prompt callback (sshtun_set_prompt_cb, ud = the handle): asks on /dev/tty (echo off for secrets) or
 * through $SSH_ASKPASS (default /usr/bin/ssh-askpass) by ssh's rules: SSH_ASKPASS_REQUIRE=force always,
 * =prefer when DISPLAY or WAYLAND_DISPLAY is set, =never not at all; unset: when stdin is not a terminal
 * and a display is set. Answers at once with sshtun_answer, or declines (a line says why).
 */
void cli_ask(void *ud, const struct sshtun_prompt *p);
/* 1 if a question would be answered by running the askpass program (what the seccomp filter must allow). */
int cli_ask_may_spawn(void);
/* Signal numbers that end a question early (the caller's SIGINT/SIGTERM/SIGHUP), as a mask to unblock while asking. */
void cli_ask_set_sigmask(const void *sigmask);

#endif
