// Commands over ssh, for systems without the test shell: the host's `ssh`
// with a key the test is given, no password, no host key checks (every VM
// makes its own host keys at first boot), through the forwarded port.
import { requireHostProgram } from "@notos/core/host";
import { runProgram } from "@notos/core/process";

export interface SshTarget {
  host: string;
  port: number;
  /** Private key file. */
  key: string;
  /** Default "root". */
  user?: string;
}

export interface SshRun {
  status: number;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/** The ssh argument list for one command (pure). */
export function sshArgs(target: SshTarget, command: string, connectTimeoutS = 20): string[] {
  return [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "LogLevel=ERROR",
    "-o", `ConnectTimeout=${connectTimeoutS}`,
    "-i", target.key,
    "-p", String(target.port),
    `${target.user ?? "root"}@${target.host}`,
    command,
  ];
}

/** Run one command; `input` is its stdin (none: /dev/null). Never rejects for the command's own status. */
export async function sshRun(target: SshTarget, command: string, options: { timeoutMs: number; input?: Uint8Array }): Promise<SshRun> {
  const connect = Math.max(1, Math.min(20, Math.floor(options.timeoutMs / 1000)));
  requireHostProgram({ program: "ssh", debianPackage: "openssh-client", neededBy: "commands over ssh (a Machine with `ssh: { key }`)" });
  const r = await runProgram("ssh", sshArgs(target, command, connect), {
    ...(options.input ? { input: options.input } : {}),
    reject: false,
    timeoutMs: options.timeoutMs,
  });
  return { status: r.exitCode ?? 255, stdout: r.stdout, stderr: r.stderr.toString("utf8"), timedOut: r.timedOut };
}
