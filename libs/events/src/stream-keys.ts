/**
 * Stream layout: one stream per publishing app, `<prefix>:<app>` (e.g. `plaza:events:profiles`),
 * so that the events of one app keep their relative order (a follow and its removal). A
 * subscribing app reads the streams of the sources of the events it handles and acks the rest.
 * Dead letters: `<prefix>:dead:<group>`, one per subscribing app.
 */
export const streamKey = (prefix: string, source: string): string => `${prefix}:${source}`;
export const deadLetterKey = (prefix: string, group: string): string => `${prefix}:dead:${group}`;
/** Last error of each failing entry, so the dead letter carries it whoever claims the entry. */
export const errorsKey = (prefix: string, group: string): string => `${prefix}:errors:${group}`;
