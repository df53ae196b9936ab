#!/usr/bin/env node
// The AT Protocol's reference PDS, on this machine, for Soku's dev stack and tests.
//
// Starts @atproto/dev-env's TestNetworkNoAppView: a PLC directory on an in-memory database
// and a PDS (@atproto/pds) on SQLite files in a fresh temporary folder, no Postgres, no
// AppView; the way atproto's own PDS tests run. Then creates the accounts it is given,
// prints ONE JSON line to stdout and stays up until SIGTERM or SIGINT, which close the
// network and remove the temporary folder.
//
//   node pds.mjs [--port N] [--plc-port N] [--host 127.0.0.1] [--log]
//                [--stdin] [--exit-on-stdin-close] [handle:password ...]
//
// Accounts: `handle:password` arguments, and/or with --stdin a JSON document on standard
// input: [{"handle": "alice.test", "password": "...", "email"?: "..."}] or {"accounts": [...]}.
// A handle without a dot gets `.test` appended (the PDS serves the `.test` handle domain).
// --exit-on-stdin-close: once the accounts are read, standard input staying open is the
// parent's lease; its end (the parent died) shuts the network down as SIGTERM would.
//
// Ready line, e.g.:
//   {"pdsUrl":"http://127.0.0.1:PORT","plcUrl":"http://127.0.0.1:PORT2",
//    "accounts":[{"handle":"alice.test","did":"did:plc:...","password":"...","email":"..."}], ...}
// Nothing else is written to stdout: the PDS's own logs (--log) go to stderr.
// Both servers listen on --host only (loopback by default), not on every interface.

import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'

const started = performance.now()

function usage(message) {
  process.stderr.write(`pds.mjs: ${message}\n`)
  process.exit(2)
}

function parseArgs(argv) {
  const opts = { port: 0, plcPort: 0, host: '127.0.0.1', log: false, stdin: false,
                 exitOnStdinClose: false, accounts: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`)
      return argv[++i]
    }
    const port = (text) => {
      const n = Number(text)
      if (!Number.isInteger(n) || n < 0 || n > 65535) usage(`${arg}: not a port: ${text}`)
      return n
    }
    if (arg === '--port') opts.port = port(value())
    else if (arg === '--plc-port') opts.plcPort = port(value())
    else if (arg === '--host') opts.host = value()
    else if (arg === '--log') opts.log = true
    else if (arg === '--stdin') opts.stdin = true
    else if (arg === '--exit-on-stdin-close') opts.exitOnStdinClose = true
    else if (arg === '--help' || arg === '-h') {
      process.stderr.write('usage: node pds.mjs [--port N] [--plc-port N] [--host H] [--log] ' +
        '[--stdin] [--exit-on-stdin-close] [handle:password ...]\n')
      process.exit(0)
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`)
    else {
      const colon = arg.indexOf(':') // handles have no colon; passwords may
      if (colon <= 0) usage(`an account is handle:password, not ${arg}`)
      opts.accounts.push({ handle: arg.slice(0, colon), password: arg.slice(colon + 1) })
    }
  }
  return opts
}

// Reads standard input until what it holds parses as JSON (a one-line document leaves stdin
// open for --exit-on-stdin-close) or it ends.
function readJsonFromStdin() {
  return new Promise((resolve, reject) => {
    let text = ''
    const done = (value) => {
      process.stdin.off('data', onData)
      process.stdin.off('end', onEnd)
      process.stdin.pause()
      resolve(value)
    }
    const onData = (chunk) => {
      text += chunk
      try {
        done(JSON.parse(text))
      } catch {
        // not whole yet
      }
    }
    const onEnd = () => {
      if (!text.trim()) return done(null)
      try {
        done(JSON.parse(text))
      } catch (err) {
        reject(new Error(`standard input is not JSON: ${err.message}`))
      }
    }
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', onData)
    process.stdin.on('end', onEnd)
  })
}

function accountsFrom(doc) {
  if (doc === null) return []
  const list = Array.isArray(doc) ? doc : doc.accounts
  if (!Array.isArray(list)) throw new Error('the JSON on stdin is neither a list of accounts nor {"accounts": [...]}')
  return list.map((a) => {
    if (!a || typeof a.handle !== 'string' || typeof a.password !== 'string') {
      throw new Error(`an account needs a string handle and password: ${JSON.stringify(a)}`)
    }
    return { handle: a.handle, password: a.password, email: a.email }
  })
}

// express's app.listen(port) (PDS and PLC alike) binds every interface: bind `host` instead.
function listenOnlyOn(host) {
  const listen = net.Server.prototype.listen
  net.Server.prototype.listen = function (...args) {
    const first = args[0]
    if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      if (typeof args[1] !== 'string') args.splice(1, 0, host)
    } else if (first && typeof first === 'object' && first.host === undefined &&
               first.path === undefined && first.fd === undefined && first.handle === undefined &&
               !(first instanceof net.Server)) {
      args[0] = { ...first, host }
    }
    return listen.apply(this, args)
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.stdin) opts.accounts.push(...accountsFrom(await readJsonFromStdin()))
  const accounts = opts.accounts.map((a) => {
    const handle = a.handle.includes('.') ? a.handle.toLowerCase() : `${a.handle.toLowerCase()}.test`
    return { handle, password: a.password, email: a.email ?? `${handle.split('.')[0]}@example.com` }
  })

  // @atproto/common's logger reads these when it is imported: off unless --log, then stderr.
  if (opts.log) {
    process.env.LOG_ENABLED ??= 'true'
    process.env.LOG_DESTINATION ??= '/dev/stderr'
  } else {
    process.env.LOG_ENABLED = 'false'
  }
  listenOnlyOn(opts.host)
  const { TestNetworkNoAppView, ADMIN_PASSWORD } = await import('@atproto/dev-env')

  // Every file of this run (the PDS's SQLite databases, its blobs, dev-env's own temporary
  // folders) under one folder, removed at exit. After the import: dev-env's port-reservation
  // folder stays in the shared temporary folder, where other runs look for it.
  const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soku-bluesky-pds-'))
  process.env.TMPDIR = runDir

  await fs.mkdir(path.join(runDir, 'data'))

  let network
  let closing = null
  const shutdown = (code) => {
    closing ??= (async () => {
      const timer = setTimeout(() => {
        process.stderr.write('pds.mjs: closing took over 10 s; exiting anyway\n')
        process.exit(1)
      }, 10_000)
      timer.unref()
      try {
        if (network) await network.close()
      } catch (err) {
        process.stderr.write(`pds.mjs: closing the network: ${err?.stack ?? err}\n`)
        code = code || 1
      }
      await fs.rm(runDir, { recursive: true, force: true })
      process.exit(code)
    })()
    return closing
  }
  process.on('SIGTERM', () => shutdown(0))
  process.on('SIGINT', () => shutdown(0))

  try {
    // A port key only when one was asked for: dev-env picks a free port when the key is
    // absent, and spreads the config over its own (a `port: 0` would override its choice).
    network = await TestNetworkNoAppView.create({
      plc: opts.plcPort ? { port: opts.plcPort } : {},
      pds: {
        ...(opts.port ? { port: opts.port } : {}),
        dataDirectory: path.join(runDir, 'data'),
        blobstoreDiskLocation: path.join(runDir, 'blobs'),
      },
    })
    const seed = network.getSeedClient()
    const created = []
    for (const account of accounts) {
      const { did } = await seed.createAccount(account.handle, account)
      created.push({ handle: account.handle, did, password: account.password, email: account.email })
    }
    const ready = {
      pdsUrl: `http://${urlHost(opts.host)}:${network.pds.port}`,
      plcUrl: `http://${urlHost(opts.host)}:${network.plc.port}`,
      pdsPublicUrl: network.pds.ctx.cfg.service.publicUrl,
      pdsDid: network.pds.ctx.cfg.service.did,
      adminPassword: ADMIN_PASSWORD, // Basic auth as `admin`, for com.atproto.admin.*
      accounts: created,
      listening: { pds: addressOf(network.pds.server.server), plc: addressOf(network.plc.server.server) },
      pid: process.pid,
      readyMs: Math.round(performance.now() - started),
    }
    process.stdout.write(`${JSON.stringify(ready)}\n`)
  } catch (err) {
    process.stderr.write(`pds.mjs: could not start the PDS: ${describe(err)}\n`)
    await shutdown(1)
  }

  if (opts.exitOnStdinClose) {
    if (process.stdin.readableEnded) return shutdown(0)
    process.stdin.on('end', () => shutdown(0))
    process.stdin.on('error', () => shutdown(0))
    process.stdin.resume()
  }
}

function addressOf(server) {
  const a = server?.address?.()
  return a && typeof a === 'object' ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : null
}

function urlHost(host) {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

main().catch((err) => {
  process.stderr.write(`pds.mjs: ${err?.stack ?? err}\n`)
  process.exit(1)
})

// An error with its causes (fetch's "fetch failed" says why only in .cause).
function describe(err) {
  let text = String(err?.stack ?? err)
  for (let cause = err?.cause, depth = 0; cause && depth < 5; cause = cause.cause, depth++) {
    text += `\n  caused by: ${cause?.stack ?? cause}`
  }
  return text
}
