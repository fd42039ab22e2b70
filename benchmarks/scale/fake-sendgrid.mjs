// A loopback stand-in for SendGrid's v3 mail API, for scale runs: POST /v3/mail/send answers
// 202 with an X-Message-Id, as SendGrid does, and counts requests, personalizations and the
// distinct recipients; GET /stats returns those counts (and how many addresses got more than
// one email, which must stay 0). Usage: node fake-sendgrid.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const seen = new Map();
let requests = 0;
let personalizations = 0;
let bytes = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    let duplicates = 0;
    for (const n of seen.values()) if (n > 1) duplicates++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, personalizations, recipients: seen.size, duplicates, bytes }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v3/mail/send') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    bytes += body.length;
    const mail = JSON.parse(body.toString('utf8'));
    requests++;
    for (const p of mail.personalizations ?? []) {
      personalizations++;
      for (const to of p.to ?? []) seen.set(to.email, (seen.get(to.email) ?? 0) + 1);
    }
    res.writeHead(202, { 'x-message-id': `fake-${requests}` }).end();
  });
});
server.listen(port, '127.0.0.1', () => console.log(`fake SendGrid on http://127.0.0.1:${server.address().port}`));
