// Reads stdin to its end, then prints how many characters came and how they end.
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  text += chunk;
});
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({ chars: text.length, end: text.slice(-20) }));
});
