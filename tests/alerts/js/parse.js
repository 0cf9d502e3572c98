// Reads one RFC 5322 message on stdin and prints what a mail client would make of it, as JSON.
// mailparser is the parser of Nodemailer's ecosystem (used by many webmail and ticket systems).
const { simpleParser } = require("mailparser");

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const mail = await simpleParser(Buffer.concat(chunks));
  const list = mail.headers.get("list") || {};
  const address = (field) => (field ? field.value.map((a) => ({ name: a.name, address: a.address })) : []);
  console.log(JSON.stringify({
    subject: mail.subject,
    from: address(mail.from),
    to: address(mail.to),
    messageId: mail.messageId,
    list,
    listUnsubscribePost: (list["unsubscribe-post"] || {}).name || null,
    autoSubmitted: mail.headers.get("auto-submitted") || null,
    text: mail.text,
    html: mail.html,
  }));
});
