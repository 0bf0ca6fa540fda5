// Builds the embedded database (FerretDB, with Go) into .cache/embedded-db/<hash>/ ahead of the first
// start, where relink looks for it (src/store/embedded-db.ts): the Dockerfile's build stage runs it so
// the runtime image needs no Go. Run after `npm run build`; a binary already built is reused.
const { join } = require('node:path');

const root = join(__dirname, '..');
const { ensureEmbeddedDbBinary } = require(join(root, 'dist', 'src', 'store', 'embedded-db'));
const { createLogger } = require(join(root, 'dist', 'src', 'logger'));

const log = createLogger({ level: 'info', pretty: false });
ensureEmbeddedDbBinary({ projectRoot: root, log }).then(
  (binary) => log.info({ binary }, 'embedded database binary ready'),
  (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
