/**
 * Typed errors, thrown where the problem is found and mapped to an exit code
 * once, in the CLI. Their messages are one line, written for the user.
 */
export class K8sAuditError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags, unknown control ids, a malformed file given on the command line. Exit 2. */
export class UsageError extends K8sAuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** An unreadable kubeconfig, an unknown context. Exit 2. */
export class ConfigError extends K8sAuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** The cluster is unreachable, authentication failed, or nothing could be collected. Exit 3. */
export class ClusterError extends K8sAuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 3, options);
  }
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  cluster: 3,
} as const;
