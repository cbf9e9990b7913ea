/** Applied in order at start-up; never edit one that has shipped, add a new one. */
export const migrations = [];
