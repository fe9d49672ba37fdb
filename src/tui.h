/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tui.h - the live view (ncursesw): exchanges, findings, clients and
 * services as the model and the diagnosis see them, a ladder diagram per
 * exchange. It parses nothing: it is fed the same records as the report.
 */
#ifndef KS_TUI_H
#define KS_TUI_H

#include "capture.h"
#include "diag.h"
#include "engine.h"
#include "model.h"
#include "record.h"

struct tui_opts {
	const char	*source;	/* interface or file */
	const char	*filter;	/* in use, or NULL */
	int		 live;
	const char	*wdir;		/* where 'w' writes pcaps ("." ) */
	const char	*file;		/* -r FILE (for 'w'), or NULL */
};

struct tui;

/* Puts the terminal in curses mode (stderr parked until tui_end);
 * NULL when the terminal cannot do it (err says why). */
struct tui	*tui_new(const struct tui_opts *, char *err, size_t errsz);
void		 tui_sources(struct tui *, struct engine *, struct capture *,
		    struct diag *, const struct model *);
void		 tui_exchange(struct tui *, const struct exchange *);
void		 tui_ntlm(struct tui *, const struct msg_ctx *,
		    const struct ntlm_msg *);
void		 tui_krb(struct tui *, const struct msg_ctx *,
		    const struct krb_msg *);
/* The descriptor keys come from (capture_hook.input_fd). */
int		 tui_input_fd(const struct tui *);
/* capture_hook.poll: keys, then a redraw when due. 1: quit. */
int		 tui_poll(void *, int input);
/* Leaves curses mode, restores the terminal, shows what stderr got. */
void		 tui_end(struct tui *);

#endif /* KS_TUI_H */
