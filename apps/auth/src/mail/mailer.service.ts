import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { createTransport, type Transporter } from 'nodemailer';
import type { RenderedMail } from './mail-templates';

/**
 * Sends mail to SMTP_URL with nodemailer (the maintained Node SMTP client: TLS, auth, pooling,
 * MIME; MIT-0). Without SMTP_URL nothing can be sent: the mail is logged as dropped (`npm start`
 * always sets SMTP_URL, to its development mailbox when none is given).
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport: Transporter | undefined;

  constructor(@Inject(PLAZA_CONFIG) private readonly config: PlazaConfig) {
    this.transport = config.SMTP_URL ? createTransport(config.SMTP_URL) : undefined;
    if (!this.transport) this.logger.warn('SMTP_URL is not set: account emails are not sent');
  }

  /** Throws when the SMTP server refuses or cannot be reached: the mail event is retried. */
  async send(to: string, mail: RenderedMail): Promise<void> {
    if (!this.transport) {
      this.logger.warn(`SMTP_URL is not set: "${mail.subject}" to a user was not sent`);
      return;
    }
    await this.transport.sendMail({ from: this.config.MAIL_FROM, to, ...mail });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
