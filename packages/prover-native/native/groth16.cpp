#include "groth16.hpp"

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>
#include <sys/random.h>
#include <gmp.h>
#include <cstdio>
#include <omp.h>

using namespace AltBn128;

namespace {

const char *BN254_Q = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
const char *BN254_R = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

struct Section { const uint8_t *p; uint64_t size; };

// Parses the iden3 binary container (magic, version, sections).
std::map<uint32_t, Section> readSections(const uint8_t *buf, size_t len, const char *magic) {
    if (len < 12 || memcmp(buf, magic, 4) != 0) throw std::invalid_argument(std::string("not a ") + magic + " file");
    uint32_t nSections; memcpy(&nSections, buf + 8, 4);
    std::map<uint32_t, Section> out;
    size_t pos = 12;
    for (uint32_t i = 0; i < nSections; i++) {
        if (pos + 12 > len) throw std::invalid_argument("truncated file");
        uint32_t type; uint64_t size;
        memcpy(&type, buf + pos, 4); memcpy(&size, buf + pos + 4, 8);
        pos += 12;
        if (size > len - pos) throw std::invalid_argument("truncated section");
        if (out.count(type)) throw std::invalid_argument("duplicate section");
        out[type] = Section{buf + pos, size};
        pos += size;
    }
    return out;
}

const Section &need(std::map<uint32_t, Section> &s, uint32_t t, uint64_t size) {
    auto it = s.find(t);
    if (it == s.end()) throw std::invalid_argument("missing section " + std::to_string(t));
    if (size != UINT64_MAX && it->second.size != size)
        throw std::invalid_argument("section " + std::to_string(t) + " has the wrong size");
    return it->second;
}

bool primeIs(const uint8_t *le, uint32_t n8, const char *dec) {
    mpz_t a, b; mpz_init(a); mpz_init_set_str(b, dec, 10);
    mpz_import(a, n8, -1, 1, -1, 0, le);
    bool eq = mpz_cmp(a, b) == 0;
    mpz_clear(a); mpz_clear(b);
    return eq;
}

template <typename T> void copyVec(std::vector<T> &v, const Section &s, uint64_t n) {
    v.resize(n);
    if (n) memcpy((void *)v.data(), s.p, n * sizeof(T));
}

// uniform-enough scalar in [1, r): 64 random bytes reduced mod r (bias < 2^-250)
void randomScalar(uint8_t out[32]) {
    uint8_t rnd[64];
    for (size_t got = 0; got < sizeof(rnd);) {
        ssize_t k = getrandom(rnd + got, sizeof(rnd) - got, 0);
        if (k < 0) throw std::runtime_error("getrandom failed");
        got += (size_t)k;
    }
    mpz_t x, r; mpz_init(x); mpz_init_set_str(r, BN254_R, 10);
    mpz_import(x, 64, -1, 1, -1, 0, rnd);
    mpz_mod(x, x, r);
    if (mpz_sgn(x) == 0) mpz_set_ui(x, 1);
    memset(out, 0, 32);
    mpz_export(out, nullptr, -1, 1, -1, 0, x);
    mpz_clear(x); mpz_clear(r);
}

std::string dec(const uint8_t *le32) {
    mpz_t x; mpz_init(x);
    mpz_import(x, 32, -1, 1, -1, 0, le32);
    char *s = mpz_get_str(nullptr, 10, x);
    std::string out(s);
    free(s); mpz_clear(x);
    return out;
}

double ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// MSM that skips zero scalars and adds the points of scalar one directly: circom witnesses are
// mostly 0/1 (bits, flags), so only the remaining scalars go through Pippenger.
template <typename Curve>
void sparseMsm(Curve &G, typename Curve::Point &r, const typename Curve::PointAffine *bases, const uint8_t *scalars, uint64_t n) {
    static const uint8_t one[32] = {1};
    static const uint8_t zero[32] = {0};
    std::vector<typename Curve::PointAffine> pts;
    std::vector<uint8_t> sc;
    pts.reserve(n); sc.reserve(n * 32);
    typename Curve::Point ones; G.copy(ones, G.zero());
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *x = scalars + i * 32;
        if (memcmp(x, zero, 32) == 0) continue;
        if (memcmp(x, one, 32) == 0) { G.add(ones, ones, const_cast<typename Curve::PointAffine &>(bases[i])); continue; }
        pts.push_back(bases[i]);
        sc.insert(sc.end(), x, x + 32);
    }
    G.multiMulByScalar(r, pts.data(), sc.data(), 32, pts.size());
    G.add(r, r, ones);
}

}  // namespace

Groth16Prover::Groth16Prover(const uint8_t *zkey, size_t len) {
    auto s = readSections(zkey, len, "zkey");
    const Section &h1 = need(s, 1, 4);
    uint32_t protocol; memcpy(&protocol, h1.p, 4);
    if (protocol != 1) throw std::invalid_argument("zkey is not groth16");
    const Section &h2 = need(s, 2, UINT64_MAX);
    const uint8_t *p = h2.p;
    uint32_t n8q; memcpy(&n8q, p, 4); p += 4;
    if (n8q != 32 || !primeIs(p, 32, BN254_Q)) throw std::invalid_argument("zkey is not over BN254");
    p += 32;
    uint32_t n8r; memcpy(&n8r, p, 4); p += 4;
    if (n8r != 32 || !primeIs(p, 32, BN254_R)) throw std::invalid_argument("zkey is not over BN254");
    p += 32;
    memcpy(&nVars, p, 4); p += 4;
    memcpy(&nPublic, p, 4); p += 4;
    memcpy(&domainSize, p, 4); p += 4;
    if (h2.size != 4 + 32 + 4 + 32 + 12 + 64 * 3 + 128 * 3) throw std::invalid_argument("bad zkey header");
    if (domainSize == 0 || (domainSize & (domainSize - 1))) throw std::invalid_argument("bad domain size");
    if (nVars < nPublic + 1) throw std::invalid_argument("bad nVars");
    domainPow = 0; while ((1u << domainPow) < domainSize) domainPow++;
    memcpy(&alpha1, p, 64); p += 64;
    memcpy(&beta1, p, 64); p += 64;
    memcpy(&beta2, p, 128); p += 128;
    p += 128;  // gamma2: not needed to prove
    memcpy(&delta1, p, 64); p += 64;
    memcpy(&delta2, p, 128); p += 128;

    const Section &cs = need(s, 4, UINT64_MAX);
    uint32_t nCoefs; memcpy(&nCoefs, cs.p, 4);
    if (cs.size != 4 + (uint64_t)nCoefs * 44) throw std::invalid_argument("bad coefficients section");
    coefs.resize(nCoefs);
    for (uint32_t i = 0; i < nCoefs; i++) {
        const uint8_t *q = cs.p + 4 + (uint64_t)i * 44;
        Coef &c = coefs[i];
        memcpy(&c.m, q, 4); memcpy(&c.c, q + 4, 4); memcpy(&c.s, q + 8, 4); memcpy(&c.v, q + 12, 32);
        if (c.m > 1 || c.c >= domainSize || c.s >= nVars) throw std::invalid_argument("bad coefficient");
    }
    copyVec(A, need(s, 5, (uint64_t)nVars * 64), nVars);
    copyVec(B1, need(s, 6, (uint64_t)nVars * 64), nVars);
    copyVec(B2, need(s, 7, (uint64_t)nVars * 128), nVars);
    copyVec(C, need(s, 8, (uint64_t)(nVars - nPublic - 1) * 64), nVars - nPublic - 1);
    copyVec(H, need(s, 9, (uint64_t)domainSize * 64), domainSize);
    fft.reset(new FFT<Engine::Fr>((uint64_t)domainSize * 2));
    fixed = getenv("ZKAGENT_NATIVE_NO_TABLES") == nullptr;
    if (fixed) {
        auto pick = [](uint64_t nEff) {
            uint32_t best = 4; double bestCost = 1e300;
            for (uint32_t c = 4; c <= 16; c++) {
                double cost = (double)nEff * ((254 + c - 1) / c) + 2.0 * (1u << c) * omp_get_max_threads();
                if (cost < bestCost) { bestCost = cost; best = c; }
            }
            return best;
        };
        // about a third of a circom witness is neither 0 nor 1 (those skip the MSM)
        uint32_t cW = pick(nVars / 3), cH = pick(domainSize);
        fA.reset(new FixedMsm<Engine::G1>(Engine::engine.g1, A.data(), nVars, cW));
        fB1.reset(new FixedMsm<Engine::G1>(Engine::engine.g1, B1.data(), nVars, cW));
        fB2.reset(new FixedMsm<Engine::G2>(Engine::engine.g2, B2.data(), nVars, cW));
        fC.reset(new FixedMsm<Engine::G1>(Engine::engine.g1, C.data(), C.size(), cW));
        fH.reset(new FixedMsm<Engine::G1>(Engine::engine.g1, H.data(), domainSize, cH));
        precomputedBytes = fA->bytes() + fB1->bytes() + fB2->bytes() + fC->bytes() + fH->bytes();

    }
}

Groth16Prover::~Groth16Prover() {}

void Groth16Prover::loadR1cs(const uint8_t *buf, size_t len) {
    auto s = readSections(buf, len, "r1cs");
    const Section &h = need(s, 1, UINT64_MAX);
    if (h.size != 4 + 32 + 4 * 4 + 8 + 4) throw std::invalid_argument("bad r1cs header");
    uint32_t n8; memcpy(&n8, h.p, 4);
    if (n8 != 32 || !primeIs(h.p + 4, 32, BN254_R)) throw std::invalid_argument("r1cs is not over BN254's scalar field");
    uint32_t nWires, nConstraints;
    memcpy(&nWires, h.p + 36, 4);
    memcpy(&nConstraints, h.p + 36 + 16 + 8, 4);
    if (nWires != nVars) throw std::invalid_argument("r1cs has " + std::to_string(nWires) + " wires, the zkey " + std::to_string(nVars) + ": not the same circuit");
    const Section &cs = need(s, 2, UINT64_MAX);
    Engine::Fr &Fr = Engine::engine.fr;
    const uint8_t *p = cs.p, *end = cs.p + cs.size;
    std::vector<Term> t;
    std::vector<uint64_t> starts;
    starts.reserve((uint64_t)nConstraints * 3 + 1);
    for (uint32_t k = 0; k < nConstraints; k++) {
        for (int m = 0; m < 3; m++) {
            starts.push_back(t.size());
            if (end - p < 4) throw std::invalid_argument("truncated r1cs constraints");
            uint32_t nTerms; memcpy(&nTerms, p, 4); p += 4;
            if ((uint64_t)(end - p) < (uint64_t)nTerms * 36) throw std::invalid_argument("truncated r1cs constraints");
            for (uint32_t i = 0; i < nTerms; i++, p += 36) {
                Term term;
                memcpy(&term.wire, p, 4);
                if (term.wire >= nVars) throw std::invalid_argument("r1cs term names a wire out of range");
                memcpy(&term.coef, p + 4, 32);
                Fr.toMontgomery(term.coef, term.coef);
                t.push_back(term);
            }
        }
    }
    if (p != end) throw std::invalid_argument("r1cs constraints section has trailing bytes");
    starts.push_back(t.size());
    terms.swap(t);
    constraintStarts.swap(starts);
}

// Refuses a witness that is not one of the circuit's: a value outside the field, w[0] != 1, or a
// constraint <A,w>·<B,w> = <C,w> that does not hold (the first one, by index).
void Groth16Prover::checkWitness(const FrElement *w) const {
    Engine::Fr &Fr = Engine::engine.fr;
    static const uint64_t rLimbs[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
    std::vector<FrElement> wm(nVars);
    for (uint32_t i = 0; i < nVars; i++) {
        const uint64_t *v = w[i].v;
        bool below = false;
        for (int l = 3; l >= 0; l--) {
            if (v[l] != rLimbs[l]) { below = v[l] < rLimbs[l]; break; }
        }
        if (!below) throw std::invalid_argument("witness value " + std::to_string(i) + " is not below the field's modulus");
        Fr.toMontgomery(wm[i], w[i]);
    }
    if (!Fr.eq(wm[0], Fr.one())) throw std::invalid_argument("witness value 0 must be 1");
    const uint64_t nConstraints = (constraintStarts.size() - 1) / 3;
    int64_t firstBad = -1;
    #pragma omp parallel for
    for (uint64_t k = 0; k < nConstraints; k++) {
        FrElement sum[3];
        for (int m = 0; m < 3; m++) {
            FrElement acc = Fr.zero(), prod;
            for (uint64_t j = constraintStarts[3 * k + m]; j < constraintStarts[3 * k + m + 1]; j++) {
                Fr.mul(prod, const_cast<FrElement &>(terms[j].coef), wm[terms[j].wire]);
                Fr.add(acc, acc, prod);
            }
            sum[m] = acc;
        }
        FrElement ab;
        Fr.mul(ab, sum[0], sum[1]);
        if (!Fr.eq(ab, sum[2])) {
            #pragma omp critical
            if (firstBad < 0 || (int64_t)k < firstBad) firstBad = (int64_t)k;
        }
    }
    if (firstBad >= 0)
        throw std::invalid_argument("the witness does not satisfy constraint " + std::to_string(firstBad) + " of the circuit");
}

std::pair<std::string, std::string> Groth16Prover::prove(const uint8_t *wtnsBuf, size_t len, const uint8_t *rs, Timings *t) {
    const bool sparse = true;
    auto t0 = std::chrono::steady_clock::now();
    auto s = readSections(wtnsBuf, len, "wtns");
    const Section &w1 = need(s, 1, 4 + 32 + 4);
    uint32_t n8; memcpy(&n8, w1.p, 4);
    if (n8 != 32 || !primeIs(w1.p + 4, 32, BN254_R)) throw std::invalid_argument("witness is not over BN254's scalar field");
    uint32_t nWitness; memcpy(&nWitness, w1.p + 36, 4);
    if (nWitness != nVars) throw std::invalid_argument("witness length " + std::to_string(nWitness) + " != circuit's " + std::to_string(nVars));
    const Section &w2 = need(s, 2, (uint64_t)nVars * 32);
    std::vector<FrElement> w(nVars);
    memcpy((void *)w.data(), w2.p, (uint64_t)nVars * 32);
    const uint8_t *wBytes = (const uint8_t *)w.data();
    if (checksConstraints()) checkWitness(w.data());
    auto tc = std::chrono::steady_clock::now();

    Engine::Fr &Fr = Engine::engine.fr;
    auto &G1 = Engine::engine.g1;
    auto &G2 = Engine::engine.g2;
    const uint64_t n = domainSize;

    // A, B at the domain points; C = A*B (Montgomery form, as snarkjs's buildABC1)
    std::vector<FrElement> a(n), b(n), c(n);
    memset((void *)a.data(), 0, n * 32);
    memset((void *)b.data(), 0, n * 32);
    for (const Coef &k : coefs) {
        FrElement tmp;
        Fr.mul(tmp, k.v, w[k.s]);
        FrElement &dst = k.m == 0 ? a[k.c] : b[k.c];
        Fr.add(dst, dst, tmp);
    }
    #pragma omp parallel for
    for (uint64_t i = 0; i < n; i++) Fr.mul(c[i], a[i], b[i]);
    auto t1 = std::chrono::steady_clock::now();

    // to the odd coset: ifft, multiply by w_{2n}^i, fft
    for (auto *v : {&a, &b, &c}) {
        fft->ifft(v->data(), n);
        #pragma omp parallel for
        for (uint64_t i = 0; i < n; i++) Fr.mul((*v)[i], (*v)[i], fft->root(domainPow + 1, i));
        fft->fft(v->data(), n);
    }
    // h = A*B - C (snarkjs's H points already carry 1/Z on the coset), to normal form for the MSM
    #pragma omp parallel for
    for (uint64_t i = 0; i < n; i++) {
        FrElement tmp;
        Fr.mul(tmp, a[i], b[i]);
        Fr.sub(tmp, tmp, c[i]);
        Fr.fromMontgomery(a[i], tmp);
    }
    auto t2 = std::chrono::steady_clock::now();

    G1P pA, pB1, pC, pH;
    G2P pB;
    auto t3 = t2, t4 = t2, t5 = t2, t6 = t2;
    if (fixed) {
        // scalars 0 contribute nothing, scalars 1 add the base; the rest go to the fixed-base MSM
        static const uint8_t one[32] = {1}, zero[32] = {0};
        std::vector<uint32_t> idx, idxC, ones;
        idx.reserve(nVars);
        for (uint32_t i = 0; i < nVars; i++) {
            const uint8_t *x = wBytes + (uint64_t)i * 32;
            if (memcmp(x, zero, 32) == 0) continue;
            if (memcmp(x, one, 32) == 0) { ones.push_back(i); continue; }
            idx.push_back(i);
            if (i > nPublic) idxC.push_back(i - nPublic - 1);
        }
        G1P o; G2P o2;
        fA->msm(pA, wBytes, idx.data(), idx.size());
        G1.copy(o, G1.zero()); for (uint32_t i : ones) G1.add(o, o, A[i]); G1.add(pA, pA, o);
        t3 = std::chrono::steady_clock::now();
        fB1->msm(pB1, wBytes, idx.data(), idx.size());
        G1.copy(o, G1.zero()); for (uint32_t i : ones) G1.add(o, o, B1[i]); G1.add(pB1, pB1, o);
        t4 = std::chrono::steady_clock::now();
        fB2->msm(pB, wBytes, idx.data(), idx.size());
        G2.copy(o2, G2.zero()); for (uint32_t i : ones) G2.add(o2, o2, B2[i]); G2.add(pB, pB, o2);
        t5 = std::chrono::steady_clock::now();
        fC->msm(pC, wBytes + (uint64_t)(nPublic + 1) * 32, idxC.data(), idxC.size());
        G1.copy(o, G1.zero()); for (uint32_t i : ones) if (i > nPublic) G1.add(o, o, C[i - nPublic - 1]); G1.add(pC, pC, o);
        t6 = std::chrono::steady_clock::now();
        std::vector<uint32_t> all(n);
        for (uint32_t i = 0; i < n; i++) all[i] = i;
        fH->msm(pH, (const uint8_t *)a.data(), all.data(), n);
    } else {
    if (sparse) sparseMsm(G1, pA, A.data(), (uint8_t *)wBytes, nVars); else G1.multiMulByScalar(pA, A.data(), (uint8_t *)wBytes, 32, nVars);
    t3 = std::chrono::steady_clock::now();
    if (sparse) sparseMsm(G1, pB1, B1.data(), (uint8_t *)wBytes, nVars); else G1.multiMulByScalar(pB1, B1.data(), (uint8_t *)wBytes, 32, nVars);
    t4 = std::chrono::steady_clock::now();
    if (sparse) sparseMsm(G2, pB, B2.data(), (uint8_t *)wBytes, nVars); else G2.multiMulByScalar(pB, B2.data(), (uint8_t *)wBytes, 32, nVars);
    t5 = std::chrono::steady_clock::now();
    if (sparse) sparseMsm(G1, pC, C.data(), (uint8_t *)wBytes + (uint64_t)(nPublic + 1) * 32, nVars - nPublic - 1); else G1.multiMulByScalar(pC, C.data(), (uint8_t *)wBytes + (uint64_t)(nPublic + 1) * 32, 32, nVars - nPublic - 1);
    t6 = std::chrono::steady_clock::now();
    G1.multiMulByScalar(pH, H.data(), (uint8_t *)a.data(), 32, n);
    }
    auto t7 = std::chrono::steady_clock::now();

    uint8_t r[32], sc[32], rsNeg[32];
    if (rs) { memcpy(r, rs, 32); memcpy(sc, rs + 32, 32); }
    else { randomScalar(r); randomScalar(sc); }
    {
        mpz_t mr, ms, mq; mpz_init(mr); mpz_init(ms); mpz_init_set_str(mq, BN254_R, 10);
        mpz_import(mr, 32, -1, 1, -1, 0, r); mpz_import(ms, 32, -1, 1, -1, 0, sc);
        mpz_mul(mr, mr, ms); mpz_mod(mr, mr, mq); mpz_sub(mr, mq, mr); mpz_mod(mr, mr, mq);
        memset(rsNeg, 0, 32); mpz_export(rsNeg, nullptr, -1, 1, -1, 0, mr);
        mpz_clear(mr); mpz_clear(ms); mpz_clear(mq);
    }
    G1P tmp1; G2P tmp2;
    // pi_a = A + alpha + r*delta1
    G1.add(pA, pA, alpha1);
    G1.mulByScalar(tmp1, delta1, r, 32); G1.add(pA, pA, tmp1);
    // pi_b = B2 + beta2 + s*delta2
    G2.add(pB, pB, beta2);
    G2.mulByScalar(tmp2, delta2, sc, 32); G2.add(pB, pB, tmp2);
    // pib1 = B1 + beta1 + s*delta1
    G1.add(pB1, pB1, beta1);
    G1.mulByScalar(tmp1, delta1, sc, 32); G1.add(pB1, pB1, tmp1);
    // pi_c = C + H + s*pi_a + r*pib1 - r*s*delta1
    G1.add(pC, pC, pH);
    G1.mulByScalar(tmp1, pA, sc, 32); G1.add(pC, pC, tmp1);
    G1.mulByScalar(tmp1, pB1, r, 32); G1.add(pC, pC, tmp1);
    G1.mulByScalar(tmp1, delta1, rsNeg, 32); G1.add(pC, pC, tmp1);

    G1A aA, aC; G2A aB;
    G1.copy(aA, pA); G1.copy(aC, pC); G2.copy(aB, pB);
    auto &F1 = Engine::engine.f1;
    std::string proof = "{\"pi_a\":[\"" + F1.toString(aA.x) + "\",\"" + F1.toString(aA.y) + "\",\"1\"],"
        "\"pi_b\":[[\"" + F1.toString(aB.x.a) + "\",\"" + F1.toString(aB.x.b) + "\"],[\"" +
        F1.toString(aB.y.a) + "\",\"" + F1.toString(aB.y.b) + "\"],[\"1\",\"0\"]],"
        "\"pi_c\":[\"" + F1.toString(aC.x) + "\",\"" + F1.toString(aC.y) + "\",\"1\"],"
        "\"protocol\":\"groth16\",\"curve\":\"bn128\"}";
    std::string pub = "[";
    for (uint32_t i = 1; i <= nPublic; i++) {
        if (i > 1) pub += ",";
        pub += "\"" + dec(wBytes + (uint64_t)i * 32) + "\"";
    }
    pub += "]";
    auto t8 = std::chrono::steady_clock::now();
    if (t) *t = Timings{ms(t0, tc), ms(tc, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5), ms(t5, t6), ms(t6, t7), ms(t0, t8)};
    return {proof, pub};
}
