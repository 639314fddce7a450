// Two nodes on a private network, as the README shows: a server with nginx
// and sshd driven through the test shell, and a client without the test
// shell, driven over ssh. The client fetches the server's page by host
// name, loses it while the server's link is blocked and gets it back, logs
// into the server with ssh, and both power off by the ACPI power button.
import { expect } from "vitest";
import { nginx, openssh } from "@notos/modules";
import { defineTest } from "@notos/testing";
import { describeTest } from "@notos/testing/vitest";

// bash's /dev/tcp: an HTTP request by host name, resolved through /etc/hosts.
const fetchServer = `timeout 10 bash -c 'exec 3<>/dev/tcp/server/80 && printf "GET / HTTP/1.0\\r\\nHost: server\\r\\n\\r\\n" >&3 && cat <&3'`;

export const webTest = defineTest({
  name: "web",
  nodes: {
    // The ssh client whole on both (sshd alone needs only ssh-keygen of it), so the two share one root.
    server: { imports: [openssh(), nginx()], rootfs: { keepWhole: ["openssh-client"] } },
    // The same services (so the same locked packages), but no test shell: driven over ssh.
    client: { module: { imports: [openssh(), nginx()], rootfs: { keepWhole: ["openssh-client"] } }, testShell: false },
  },
  testScript: async ({ nodes: { server, client }, sshKey }) => {
    await server.waitForService("nginx");
    // Host names and addresses come from the test: client is 192.168.1.1, server 192.168.1.2.
    expect(await client.succeed("cat /etc/hosts")).toMatch(/^192\.168\.1\.2\s+server$/m);
    const page = await client.waitUntilSucceeds(fetchServer, { timeoutMs: 60_000 });
    expect(page).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(page).toMatch(/notos/);

    await server.block();
    await client.fail(fetchServer, { timeoutMs: 30_000 });
    await server.unblock();
    await client.waitUntilSucceeds(fetchServer, { timeoutMs: 60_000 });

    // ssh between the guests, with the test's key copied in at run time (never into an image).
    await client.copyFromHost(sshKey, "/root/.ssh/id_ed25519");
    const ssh = "ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=20";
    expect(await client.waitUntilSucceeds(`${ssh} root@server 'hostname; cat /proc/sys/kernel/random/boot_id'`, { timeoutMs: 60_000 })).toMatch(/^server\n/);

    // QEMU's power button: runit's stage 3 on both, then QEMU exits by itself.
    for (const node of [client, server]) {
      expect(await node.shutdown({ via: "acpi", timeoutMs: 90_000 })).toBe(0);
      expect(node.consoleText()).toMatch(/power-button: pressed, powering off[\s\S]*enter stage: \/etc\/runit\/3/);
    }
  },
});

describeTest(webTest);
