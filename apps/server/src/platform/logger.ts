import { type Logger, pino } from 'pino';
import type { LogLevel } from '../config/config.ts';

export type { Logger };

/** JSON lines on stdout; request logs carry `reqId` (see http/server.ts). Secrets never reach a log. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'vexil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-environment-key"]', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
