import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { DomainError } from './domain-error';

/** Deeper than any DTO goes; class-transformer recurses per level and overflows the stack near 10,000. */
export const MAX_INPUT_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Why a parsed body, query or socket payload must be refused before validation, or null:
 * nested deeper than `maxDepth` (validation would overflow the stack: a 500), a NUL character in
 * a string or key (PostgreSQL text cannot hold it: a 500 at insert), or a key that would reach an
 * object's prototype. Iterative, so a hostile depth cannot overflow the stack here either.
 */
export function inputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): string | null {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return 'Text must not contain NUL characters';
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return `Input is nested deeper than ${maxDepth} levels`;
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) return `Property ${key} is not allowed`;
      if (key.includes('\u0000')) return 'Keys must not contain NUL characters';
      pending.push([(current as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}

/** The validation rules of every input, REST pipe and socket commands alike. */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
} as const satisfies ValidatorOptions;

/**
 * A socket payload or channel command checked as the REST pipe checks a body (`inputProblem`,
 * then `VALIDATION_OPTIONS`), synchronously: the command schemas have no async validators, and
 * this runs once per message. Throws DomainError `bad_request` naming every problem.
 */
export function validateInput<T extends object>(dto: new () => T, input: unknown, what = 'payload'): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainError('bad_request', `${what} must be an object`);
  }
  const problem = inputProblem(input);
  if (problem) throw new DomainError('bad_request', problem);
  const instance = plainToInstance(dto, input);
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  if (errors.length) {
    const messages = errors.flatMap((e) =>
      Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
    );
    throw new DomainError('bad_request', messages.join('; '));
  }
  return instance;
}
