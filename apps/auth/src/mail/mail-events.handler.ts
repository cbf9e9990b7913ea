import { Inject, Injectable } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { TokenSealer } from '../accounts/account-token.codec';
import { MAIL_LINKS, renderMail } from './mail-templates';
import { MailerService } from './mailer.service';

/**
 * Sends the account emails requested through the outbox (at least once: a failed send is
 * retried with the events' backoff, then dead-lettered). The request committed with the change
 * that caused it, so no mail goes out for a registration or reset that did not happen.
 */
@Injectable()
export class MailEventsHandler {
  private readonly sealer: TokenSealer;

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    private readonly mailer: MailerService,
  ) {
    this.sealer = new TokenSealer(config.JWT_SECRET!);
  }

  @OnDomainEvent('mail.requested')
  async onMailRequested(event: DomainEvent<'mail.requested'>): Promise<void> {
    const { template, to, displayName, sealedToken } = event.payload;
    const token = this.sealer.open(sealedToken);
    const link = `${this.config.PUBLIC_URL}${MAIL_LINKS[template].path}?token=${encodeURIComponent(token)}`;
    await this.mailer.send(to, renderMail(template, { displayName, link }));
  }
}
