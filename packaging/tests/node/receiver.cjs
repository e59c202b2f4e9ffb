'use strict';
// A music-video callback receiver as an Express team writes one: it checks the body, records
// the task once and answers 200 at once. `race: true` plants the classic bug: it checks whether
// the task is new, awaits the database, then records it, so copies that arrive together are
// all "new".
const { EventEmitter, once } = require('node:events');
const express = require('express');

function start({ race = false } = {}) {
  const app = express();
  const tasks = new Map();
  const downloads = new Set();
  // Told whenever a task is recorded, so a test awaits a callback instead of polling.
  const recorded = new EventEmitter();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  app.use(express.json({ type: () => true }));
  app.use((err, req, res, next) => res.status(400).json({ error: 'the body is not JSON' }));
  app.post('/callback', async (req, res) => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return res.status(400).json({ error: 'the body is not a JSON object' });
    }
    const data = body.data;
    if (!data || typeof data !== 'object' || typeof data.task_id !== 'string') {
      return res.status(422).json({ error: 'data.task_id is missing' });
    }
    if (typeof body.code !== 'number') return res.status(422).json({ error: 'code is not a number' });
    const id = data.task_id;
    let isNew = !tasks.has(id);
    if (race) {
      await sleep(50); // the database round trip between the check and the write
      if (isNew) {
        const rec = tasks.get(id) || { code: body.code, processed: 0 };
        rec.processed += 1;
        tasks.set(id, rec);
      }
    } else if (isNew) {
      tasks.set(id, { code: body.code, processed: 1 });
    }
    // The video link expires: fetch it in the background, after answering.
    if (isNew && typeof data.video_url === 'string') {
      const abort = new AbortController();
      downloads.add(abort);
      fetch(data.video_url, { signal: abort.signal })
        .then((r) => r.arrayBuffer())
        .catch(() => {})
        .finally(() => downloads.delete(abort));
    }
    recorded.emit('task', id);
    res.json({ status: 'received' });
  });
  app.get('/state/:id', (req, res) => res.json(tasks.get(req.params.id) || { processed: 0 }));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      resolve({
        callbackUrl: `${base}/callback`,
        probeUrl: `${base}/state/{task_id}`,
        tasks,
        waitFor: async (id) => {
          while (!tasks.has(id)) await once(recorded, 'task');
          return tasks.get(id);
        },
        close: () => {
          for (const d of downloads) d.abort();
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
    server.keepAliveTimeout = 1000;
  });
}

module.exports = { start };
