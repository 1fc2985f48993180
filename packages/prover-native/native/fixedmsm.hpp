// Fixed-base MSM with precomputed window multiples: the zkey's bases never change, so store
// T[k][i] = 2^(k*c) * B[i] once (affine) and put every window of every scalar into ONE set of
// buckets: cost ~ n*ceil(254/c) mixed additions + 2^(c+1) per thread, instead of
// ceil(254/c) * (n + 2^(c+1)) plus c doublings per window for plain Pippenger.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>
#include <omp.h>

template <typename Curve>
class FixedMsm {
public:
    typedef typename Curve::Point Point;
    typedef typename Curve::PointAffine Affine;
    typedef typename Curve::PointAffine PA;

    FixedMsm(Curve &g, const Affine *bases, uint64_t n, uint32_t c) : G(g), n(n), c(c) {
        nWin = (254 + c - 1) / c;
        T.resize((uint64_t)nWin * n);
        std::vector<Point> cur(n);
        #pragma omp parallel for
        for (uint64_t i = 0; i < n; i++) G.copy(cur[i], const_cast<Affine &>(bases[i]));
        for (uint32_t k = 0; k < nWin; k++) {
            toAffineBatch(cur.data(), T.data() + k, n, nWin);  // point-major: T[i*nWin + k]
            if (k + 1 < nWin) {
                #pragma omp parallel for
                for (uint64_t i = 0; i < n; i++)
                    for (uint32_t j = 0; j < c; j++) G.dbl(cur[i], cur[i]);
            }
        }
    }

    uint64_t bytes() const { return T.size() * sizeof(Affine); }

    // r = sum over idx of scalar[idx] * B[idx]; scalars are 32-byte LE normal-form values.
    void msm(Point &r, const uint8_t *scalars, const uint32_t *idx, uint64_t m) {
        int nThreads = omp_get_max_threads();
        if ((uint64_t)nThreads > m / 64 + 1) nThreads = (int)(m / 64 + 1);
        const uint64_t nb = (uint64_t)1 << c;
        std::vector<Point> partial(nThreads);
        #pragma omp parallel num_threads(nThreads)
        {
            int t = omp_get_thread_num();
            int nt = omp_get_num_threads();
            std::vector<Point> buckets(nb);
            for (uint64_t b = 0; b < nb; b++) G.copy(buckets[b], G.zero());
            uint64_t from = m * t / nt, to = m * (t + 1) / nt;
            const uint64_t mask = nb - 1;
            for (uint64_t j = from; j < to; j++) {
                uint32_t i = idx[j];
                uint64_t s[5] = {0, 0, 0, 0, 0};
                memcpy(s, scalars + (uint64_t)i * 32, 32);
                for (uint32_t k = 0; k < nWin; k++) {
                    uint32_t bit = k * c, w = bit >> 6, off = bit & 63;
                    uint64_t d = s[w] >> off;
                    if (off + c > 64) d |= s[w + 1] << (64 - off);
                    d &= mask;
                    if (d) G.add(buckets[d], buckets[d], T[(uint64_t)i * nWin + k]);
                }
            }
            // running sum: sum_{d} d * bucket[d]
            Point run, acc;
            G.copy(run, G.zero());
            G.copy(acc, G.zero());
            for (uint64_t d = nb - 1; d >= 1; d--) {
                G.add(run, run, buckets[d]);
                G.add(acc, acc, run);
            }
            G.copy(partial[t], acc);
        }
        G.copy(r, G.zero());
        for (int t = 0; t < nThreads; t++) G.add(r, r, partial[t]);
    }

    const Affine &base(uint64_t i) const { return T[i]; }

private:
    Curve &G;
    uint64_t n;
    uint32_t c, nWin;
    std::vector<Affine> T;

    // XYZZ -> affine with one field inversion per call (Montgomery's trick on zz*zzz)
    void toAffineBatch(Point *p, Affine *outBase, uint64_t m, uint64_t stride) {
        auto &F = G.F;
        typedef decltype(Affine::x) E;
        std::vector<E> d(m), pre(m);
        E acc; F.copy(acc, F.one());
        for (uint64_t i = 0; i < m; i++) {
            if (G.isZero(p[i])) { F.copy(d[i], F.one()); }
            else F.mul(d[i], p[i].zz, p[i].zzz);
            F.copy(pre[i], acc);
            F.mul(acc, acc, d[i]);
        }
        E inv; F.inv(inv, acc);
        for (uint64_t i = m; i-- > 0;) {
            E di;  // 1/d[i]
            F.mul(di, inv, pre[i]);
            F.mul(inv, inv, d[i]);
            Affine &o = outBase[i * stride];
            if (G.isZero(p[i])) { F.copy(o.x, F.zero()); F.copy(o.y, F.zero()); continue; }
            E izz, izzz;
            F.mul(izz, di, p[i].zzz);   // 1/zz = zzz/(zz*zzz)
            F.mul(izzz, di, p[i].zz);   // 1/zzz = zz/(zz*zzz)
            F.mul(o.x, p[i].x, izz);
            F.mul(o.y, p[i].y, izzz);
        }
    }
};
