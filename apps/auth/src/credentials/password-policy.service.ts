import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
/** zxcvbn score 3 = about 10^8 guesses or more: what "not common or breached" means here. */
const MIN_SCORE = 3;
/**
 * Context-specific words (ASVS 6.1.2/6.2.11): a password built from the product's name is as
 * guessable as one built from the user's own email, handle or name (added per user).
 */
export const CONTEXT_WORDS = ['plaza', 'plazaapp', 'plazaadmin'];

/**
 * The password rule of the contract (ASVS 6.2.1/6.2.4/6.2.9/6.2.12): 10-128 characters and not a
 * common or breached password, checked offline with zxcvbn-ts (MIT, maintained) and its common
 * (breached-password and keyboard) and English dictionaries, with the user's own email, handle
 * and name as inputs (a password built from them is weak too). No composition rules.
 */
@Injectable()
export class PasswordPolicyService {
  private readonly logger = new Logger(PasswordPolicyService.name);
  private zxcvbn?: ZxcvbnFactory;

  /** Builds the dictionaries (about a second of CPU) once the server listens, not on a first request. */
  warmUp(): void {
    setImmediate(() => this.checker());
  }

  private checker(): ZxcvbnFactory {
    if (!this.zxcvbn) {
      const started = Date.now();
      this.zxcvbn = new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      });
      this.logger.debug(`password dictionaries loaded in ${Date.now() - started} ms`);
    }
    return this.zxcvbn;
  }

  /** Throws 400 `weak_password` (with zxcvbn's advice) when the password breaks the rule. */
  assertStrong(password: string, userInputs: (string | null | undefined)[] = []): void {
    const length = [...password].length;
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw weak(`password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`);
    }
    const inputs = [
      ...CONTEXT_WORDS,
      ...userInputs.filter((v): v is string => !!v).flatMap((v) => [v, ...v.split(/[@._\s-]+/)]),
    ];
    const result = this.checker().check(password, inputs);
    if (result.score < MIN_SCORE) {
      const hint = result.feedback.warning ?? result.feedback.suggestions[0];
      throw weak(`password is too common or too easy to guess${hint ? `: ${hint}` : ''}`);
    }
  }
}

function weak(message: string): DomainError {
  return new DomainError('bad_request', message, { reason: 'weak_password' });
}
