#ifndef HJ_MDP_H
#define HJ_MDP_H
/* Majordomo (MDP/0.1, zeromq rfc 7) framing as Huanjie uses it.
 *
 * Client -> broker:  ["" | "MDPC01" | service | body]
 * Broker -> client:  ["" | "MDPC01" | service | body]
 * Worker -> broker:  ["" | "MDPW01" | READY | service | credit]
 *                    ["" | "MDPW01" | REPLY | client | "" | body]
 *                    ["" | "MDPW01" | HEARTBEAT]   ["" | "MDPW01" | DISCONNECT]
 * Broker -> worker:  ["" | "MDPW01" | REQUEST | client | "" | identity | body]
 *                    ["" | "MDPW01" | HEARTBEAT]   ["" | "MDPW01" | DISCONNECT]
 *
 * Two deliberate extensions of rfc 7: READY carries a credit (how many
 * requests the worker takes at once, so one worker can group-commit many),
 * and REQUEST carries the caller's identity before the body (a packed
 * hj.Identity: the enrolled device whose CURVE key the client proved, its
 * role and scope), so a worker never takes its actor from the client. The
 * client side stays plain rfc 7 over CURVE. The body is one protobuf message;
 * broker-made errors are hj.Reply{status}. "mmi.service" answers "200" when a
 * worker of the named service is connected, "404" otherwise. */

#define HJ_MDPC "MDPC01"
#define HJ_MDPW "MDPW01"
#define HJ_MDPW_READY "\001"
#define HJ_MDPW_REQUEST "\002"
#define HJ_MDPW_REPLY "\003"
#define HJ_MDPW_HEARTBEAT "\004"
#define HJ_MDPW_DISCONNECT "\005"
/* A peer is dead after this many heartbeat intervals of silence. */
#define HJ_MDP_LIVENESS 3

#endif
