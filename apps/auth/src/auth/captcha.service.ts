import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';

export type CaptchaAction = 'register' | 'login';

interface SiteverifyAnswer {
  success?: unknown;
  action?: unknown;
  score?: unknown;
  hostname?: unknown;
}

/**
 * reCAPTCHA v3 when RECAPTCHA_SECRET is set. Minimum scores per action: RECAPTCHA_MIN_SCORE_LOGIN
 * and RECAPTCHA_MIN_SCORE_REGISTER, else RECAPTCHA_MIN_SCORE. Hostnames are checked when
 * RECAPTCHA_HOSTNAMES lists any. A verifier that cannot be reached within RECAPTCHA_TIMEOUT_MS
 * (or answers garbage) gives 503: never a pass.
 */
@Injectable()
export class CaptchaService implements OnModuleInit {
  private readonly logger = new Logger('Captcha');

  constructor(@Inject(PLAZA_CONFIG) private readonly config: PlazaConfig) {}

  onModuleInit(): void {
    if (!this.config.RECAPTCHA_SECRET) this.logger.warn('reCAPTCHA is disabled (RECAPTCHA_SECRET is not set)');
  }

  minScore(action: CaptchaAction): number {
    const perAction =
      action === 'login' ? this.config.RECAPTCHA_MIN_SCORE_LOGIN : this.config.RECAPTCHA_MIN_SCORE_REGISTER;
    return perAction ?? this.config.RECAPTCHA_MIN_SCORE;
  }

  async verify(action: CaptchaAction, token: string | undefined, remoteIp: string): Promise<void> {
    const secret = this.config.RECAPTCHA_SECRET;
    if (!secret) return;
    if (!token) throw failed('captchaToken is required');
    let answer: SiteverifyAnswer;
    try {
      const res = await fetch(this.config.RECAPTCHA_VERIFY_URL, {
        method: 'POST',
        body: new URLSearchParams({ secret, response: token, remoteip: remoteIp }),
        signal: AbortSignal.timeout(this.config.RECAPTCHA_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
      answer = (await res.json()) as SiteverifyAnswer;
    } catch (err) {
      this.logger.warn(`reCAPTCHA verification unavailable: ${err instanceof Error ? err.message : String(err)}`);
      throw new DomainError('unavailable', 'Captcha verification is unavailable, retry shortly', {
        reason: 'captcha_unavailable',
      });
    }
    if (answer.success !== true) throw failed('Captcha verification failed');
    if (answer.action !== action) throw failed('Captcha was issued for another action');
    if (typeof answer.score !== 'number' || answer.score < this.minScore(action)) throw failed('Captcha score too low');
    const hostnames = this.config.RECAPTCHA_HOSTNAMES;
    if (hostnames.length && !(typeof answer.hostname === 'string' && hostnames.includes(answer.hostname))) {
      throw failed('Captcha was solved on another site');
    }
  }
}

function failed(message: string): DomainError {
  return new DomainError('forbidden', message, { reason: 'captcha_failed' });
}
