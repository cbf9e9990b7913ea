export type MailTemplate = 'verify_email' | 'reset_password';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Link path and expiry wording of each template (the contract: PUBLIC_URL/verify-email, /reset-password). */
export const MAIL_LINKS: Record<MailTemplate, { path: string; validity: string }> = {
  verify_email: { path: '/verify-email', validity: '24 hours' },
  reset_password: { path: '/reset-password', validity: '30 minutes' },
};

/** The text and HTML bodies of an account email; every user-given value is escaped in HTML. */
export function renderMail(template: MailTemplate, input: { displayName: string; link: string }): RenderedMail {
  const { validity } = MAIL_LINKS[template];
  const name = input.displayName;
  const copy =
    template === 'verify_email'
      ? {
          subject: 'Confirm your email address for Plaza',
          intro: 'Welcome to Plaza! Please confirm that this is your email address:',
          action: 'Confirm my email',
          outro: `The link works once and expires in ${validity}. If you did not create a Plaza account, ignore this email.`,
        }
      : {
          subject: 'Reset your Plaza password',
          intro: 'Someone (hopefully you) asked to reset the password of your Plaza account:',
          action: 'Choose a new password',
          outro: `The link works once and expires in ${validity}. If you did not ask for it, ignore this email: your password stays as it is.`,
        };
  const text = `Hello ${name},\n\n${copy.intro}\n\n${input.link}\n\n${copy.outro}\n\n— Plaza\n`;
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(copy.intro)}</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 16px;background:#2457d6;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(copy.action)}</a></p>
<p style="font-size: 13px">Or open this link: <a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p>
<p style="font-size: 13px; color: #555">${escapeHtml(copy.outro)}</p>
<p>— Plaza</p>
</body></html>
`;
  return { subject: copy.subject, text, html };
}
