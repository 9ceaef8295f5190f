// The delay line: a small Python program, run in the hub namespace, that holds every packet the
// hub's iptables sends to NFQUEUE for a fixed time and then lets it go. The testbed needs it
// because `tc netem` is not in every kernel (it is not in this project's machines' kernel);
// NFQUEUE and AF_NETLINK are, and Python's standard library speaks netlink, so nothing has to be
// compiled or installed beyond python3.
//
// How: bind queue Q in metadata-only copy mode (payloads stay in the kernel) with GSO packets passed
// whole, note each packet's id and arrival time, and once the oldest is due send one batch
// verdict ACCEPT for every id up to the newest due one. Every packet waits the same time, so ids
// are due in order and one verdict per wake-up suffices (tens of thousands of packets a second).
//
// argv: queue number, one-way delay in ms.
export const DELAY_LINE_SOURCE = String.raw`
import select, socket, struct, sys, time
NETLINK_NETFILTER = 12
QUEUE = 3 << 8
PACKET, CONFIG, VERDICT_BATCH = 0, 2, 3
REQUEST, ACK, ERROR = 1, 4, 2
def attr(kind, data):
    size = 4 + len(data)
    return struct.pack('=HH', size, kind) + data + b'\0' * ((4 - size % 4) % 4)
def message(kind, queue, attrs, flags=REQUEST):
    body = struct.pack('=BBH', socket.AF_UNSPEC, 0, socket.htons(queue)) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), QUEUE | kind, flags, 0, 0) + body
queue, delay = int(sys.argv[1]), float(sys.argv[2]) / 1000.0
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
sock.bind((0, 0))
sock.send(message(CONFIG, queue, [attr(1, struct.pack('!BBH', 1, 0, 0))], REQUEST | ACK))
sock.send(message(CONFIG, queue, [attr(2, struct.pack('!IB', 0, 1)), attr(3, struct.pack('!I', 1 << 17)), attr(4, struct.pack('!I', 4)), attr(5, struct.pack('!I', 4))], REQUEST | ACK))
print('delay line on queue %d: %.1f ms' % (queue, delay * 1000), flush=True)
pending, head = [], 0
while True:
    timeout = max(0.0, pending[head][0] - time.monotonic()) if head < len(pending) else None
    if select.select([sock], [], [], timeout)[0]:
        while True:
            try:
                data = sock.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            due = time.monotonic() + delay
            offset = 0
            while offset + 16 <= len(data):
                size, kind = struct.unpack_from('=IH', data, offset)
                if size < 16:
                    break
                if kind == ERROR:
                    code = struct.unpack_from('=i', data, offset + 16)[0]
                    if code != 0:
                        sys.exit('delay line: binding NFQUEUE %d failed with errno %d' % (queue, -code))
                elif kind == QUEUE | PACKET:
                    at = offset + 20
                    while at + 4 <= offset + size:
                        length, atype = struct.unpack_from('=HH', data, at)
                        if length < 4:
                            break
                        if atype & 0x3fff == 1:
                            pending.append((due, struct.unpack_from('!I', data, at + 4)[0]))
                            break
                        at += (length + 3) & ~3
                offset += (size + 3) & ~3
    now, last = time.monotonic(), None
    while head < len(pending) and pending[head][0] <= now:
        last = pending[head][1]
        head += 1
    if last is not None:
        sock.send(message(VERDICT_BATCH, queue, [attr(2, struct.pack('!II', 1, last))]))
    if head > 4096:
        del pending[:head]
        head = 0
`;
