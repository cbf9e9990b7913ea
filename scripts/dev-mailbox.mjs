// The development mailbox of `npm start` when SMTP_URL is unset: an in-process SMTP server
// (`smtp-server`, from the Nodemailer project) that keeps the last mails in memory, parsed with
// `mailparser`, and a small web page listing them. Loopback only; nothing is delivered anywhere.
import { createServer } from 'node:http';

const KEEP = 200;

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const linkify = (text) => escape(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

function page(mails) {
  const items = mails
    .map(
      (m, i) => `<article>
  <h2>${escape(m.subject || '(no subject)')}</h2>
  <p class="meta">To ${escape(m.to.join(', '))} · ${escape(m.date.toISOString())} · <a href="/mail/${i}.html">HTML version</a></p>
  <pre>${linkify(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Plaza development mailbox</title>
<meta http-equiv="refresh" content="10">
<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ddd;padding:.5rem 0}
.meta{color:#666;font-size:.9rem}pre{white-space:pre-wrap}</style></head>
<body><h1>Plaza development mailbox</h1><p>Every email Plaza sends while <code>npm start</code> runs without SMTP_URL, newest first (kept in memory, last ${KEEP}).</p>
${items || '<p>No mail yet.</p>'}</body></html>`;
}

/** Starts both servers; resolves with `{ smtpUrl, webUrl, close }`. */
export async function startDevMailbox({ smtpPort = 1025, webPort = 1080, host = '127.0.0.1' } = {}) {
  const [{ SMTPServer }, { simpleParser }] = await Promise.all([import('smtp-server'), import('mailparser')]);
  const mails = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          mails.unshift({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            date: new Date(),
          });
          mails.length = Math.min(mails.length, KEEP);
          callback();
        },
        (err) => callback(err),
      );
    },
  });
  const web = createServer((req, res) => {
    const html = /^\/mail\/(\d+)\.html$/.exec(req.url ?? '');
    if (html && mails[Number(html[1])]) {
      // A mail's own HTML, sandboxed: no script, no same-origin access.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': 'sandbox' });
      res.end(mails[Number(html[1])].html);
      return;
    }
    if (req.url === '/' || req.url === '') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(mails));
      return;
    }
    if (req.url === '/mails.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(mails));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(smtpPort, host, resolve);
  });
  await new Promise((resolve, reject) => {
    web.once('error', reject);
    web.listen(webPort, host, resolve);
  });
  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: `http://localhost:${webPort}`,
    close: () => Promise.all([new Promise((r) => smtp.close(r)), new Promise((r) => web.close(r))]),
  };
}
