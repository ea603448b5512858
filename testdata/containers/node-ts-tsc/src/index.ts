declare const require: any;
declare const process: any;
const express = require('express');
const app = express();
const greeting: string = 'hello from node-ts-tsc';
app.get('/', (_req: any, res: any) => res.send(greeting));
app.listen(process.env.PORT || 3000, () => console.log('listening'));
