const ms = require('ms');
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('hello from node-devdep-runtime'));
app.listen(process.env.PORT || 3000, () => console.log('listening'));
