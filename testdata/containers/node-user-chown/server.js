const express = require('express');
const app = express();
require('fs').writeFileSync('started.txt', 'ok');
app.get('/', (req, res) => res.send('hello from node-user-chown'));
app.listen(process.env.PORT || 3000, () => console.log('listening'));
