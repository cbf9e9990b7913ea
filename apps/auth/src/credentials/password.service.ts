import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// argon2id (Algorithm.Argon2id is a const enum, unusable with isolated module transpilers) at the
// floor the issue sets (OWASP's m=19 MiB, t=2, p=1): stronger costs slow every login on 2 cores.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordService {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /**
   * Checks a password against a stored hash, or against a throwaway hash when there is none
   * (unknown email, OIDC-only user), so that every failure costs the same time.
   */
  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    if (!storedHash) {
      this.dummy ??= this.hash('plaza-timing-equalizer-password');
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  }
}
