// hardening: kernel settings that shrink what an unprivileged process or a
// network peer can reach, set by runit stage 1 on every boot. Each value is a
// default (mkDefault), so a system that needs one differently says so with a
// plain value: `boot: { kernel: { sysctl: { "kernel.sysrq": 176 } } }`. The
// base module imports this, so every notos system has them; the list below
// with its reasons is also what docs/hardening.md explains.
import { mkDefault, type ModuleDefinition, defineModule } from "@notos/core";
import type {} from "@notos/runit";

/** The hardening sysctls, key → [value, why]. Each key exists in Debian's 6.1 kernels (stage 1 stops on a key the kernel lacks). */
export const hardeningSysctl: Readonly<Record<string, readonly [number, string]>> = {
  // Kernel information an attacker uses to aim an exploit.
  "kernel.kptr_restrict": [2, "kernel pointers print as zeros, even to root"],
  "kernel.dmesg_restrict": [1, "only CAP_SYSLOG reads the kernel log"],
  "kernel.perf_event_paranoid": [3, "no perf events for unprivileged users"],
  // Interfaces with a long record of privilege escalations, kept for root only.
  "kernel.unprivileged_bpf_disabled": [1, "no bpf() without CAP_BPF, until reboot"],
  "net.core.bpf_jit_harden": [2, "constant blinding in the BPF JIT for every user"],
  "kernel.unprivileged_userns_clone": [0, "no user namespaces for unprivileged users (Debian's switch)"],
  "vm.unprivileged_userfaultfd": [0, "userfaultfd only for CAP_SYS_PTRACE (a common race-widening primitive)"],
  "dev.tty.ldisc_autoload": [0, "no line-discipline module loads triggered by unprivileged users"],
  "kernel.yama.ptrace_scope": [2, "only CAP_SYS_PTRACE may attach to another process"],
  "kernel.kexec_load_disabled": [1, "no loading of another kernel, until reboot"],
  "kernel.sysrq": [0, "no magic SysRq from the console or /proc/sysrq-trigger"],
  "kernel.randomize_va_space": [2, "full address-space randomisation"],
  // File-system races and core dumps of privileged processes.
  "fs.protected_hardlinks": [1, "no hard links to files the user cannot read or write"],
  "fs.protected_symlinks": [1, "no following of others' symlinks in sticky world-writable directories"],
  "fs.protected_fifos": [2, "no opening of others' FIFOs in sticky directories"],
  "fs.protected_regular": [2, "no opening of others' files with O_CREAT in sticky directories"],
  "fs.suid_dumpable": [0, "no core dumps of processes that changed privileges"],
  // The network stack: refuse what only a spoofing or misrouting peer sends.
  "net.ipv4.conf.all.rp_filter": [1, "drop packets whose source would not be routed back out the same interface"],
  "net.ipv4.conf.default.rp_filter": [1, "the same for interfaces that appear later"],
  "net.ipv4.conf.all.accept_redirects": [0, "ignore ICMP redirects"],
  "net.ipv4.conf.default.accept_redirects": [0, "the same for interfaces that appear later"],
  "net.ipv6.conf.all.accept_redirects": [0, "ignore ICMPv6 redirects"],
  "net.ipv6.conf.default.accept_redirects": [0, "the same for interfaces that appear later"],
  "net.ipv4.conf.all.send_redirects": [0, "a host is not a router: send no redirects"],
  "net.ipv4.conf.default.send_redirects": [0, "the same for interfaces that appear later"],
  "net.ipv4.conf.all.accept_source_route": [0, "ignore source-routed packets"],
  "net.ipv4.tcp_syncookies": [1, "answer a SYN flood with cookies instead of dropping connections"],
  "net.ipv4.tcp_rfc1337": [1, "TIME-WAIT assassination protection"],
  "net.ipv4.icmp_echo_ignore_broadcasts": [1, "no smurf amplification"],
};

/** The module: every hardening sysctl by `mkDefault`, so any plain value of the system's replaces it. */
export const hardening: ModuleDefinition = defineModule({
  name: "hardening",
  boot: {
    kernel: {
      sysctl: Object.fromEntries(Object.entries(hardeningSysctl).map(([key, [value]]) => [key, mkDefault(value)])),
    },
  },
});
