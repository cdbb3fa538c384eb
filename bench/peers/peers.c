/* The peer backends compiled into this build: meson defines LM_HAVE_<LIBRARY> for each library it
 * found (see the root meson.build). */
#include "bench/peers/peer.h"

#ifdef LM_HAVE_ONEDNN
extern const lm_peer_backend lm_peer_onednn;
#endif
#ifdef LM_HAVE_XNNPACK
extern const lm_peer_backend lm_peer_xnnpack;
#endif

const lm_peer_backend *const lm_peer_backends[] = {
#ifdef LM_HAVE_ONEDNN
    &lm_peer_onednn,
#endif
#ifdef LM_HAVE_XNNPACK
    &lm_peer_xnnpack,
#endif
    NULL, /* keeps the array non-empty in C when no peer is built; not counted */
};

const int lm_peer_backend_count = (int)(sizeof lm_peer_backends / sizeof lm_peer_backends[0]) - 1;
