// Groth16 prover for snarkjs zkeys (BN254) on top of ffiasm's field/curve/MSM/FFT code.
// Same algorithm as snarkjs 0.7.6 groth16_prove.js: with the same r and s, the same proof bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include <memory>

#include "alt_bn128.hpp"
#include "fft.hpp"
#include "fixedmsm.hpp"

class Groth16Prover {
public:
    typedef AltBn128::Engine Engine;
    typedef Engine::FrElement FrElement;
    typedef Engine::G1PointAffine G1A;
    typedef Engine::G2PointAffine G2A;
    typedef Engine::G1Point G1P;
    typedef Engine::G2Point G2P;

    struct Coef { uint32_t m, c, s; FrElement v; };

    // zkey: the bytes of a snarkjs Groth16 .zkey (copied; the caller may free them)
    Groth16Prover(const uint8_t *zkey, size_t len);
    ~Groth16Prover();

    uint32_t nVars, nPublic, domainSize, domainPow;

    // r1cs: the circuit's .r1cs bytes. Once loaded, every prove() first checks the witness satisfies
    // each constraint, and refuses it otherwise (snarkjs would return a proof no verifier accepts).
    void loadR1cs(const uint8_t *r1cs, size_t len);
    bool checksConstraints() const { return !constraintStarts.empty(); }

    struct Timings { double check, abc, fft, msmA, msmB1, msmB2, msmC, msmH, total; };
    // wtns: the bytes of a .wtns file (as calculateWTNSBin returns). rs: optional 64 bytes (r||s, LE) for tests.
    // Returns {proofJson, publicSignalsJson}.
    std::pair<std::string, std::string> prove(const uint8_t *wtns, size_t len, const uint8_t *rs, Timings *t);

private:
    G1A alpha1, beta1, delta1;
    G2A beta2, delta2;
    std::vector<Coef> coefs;
    std::vector<G1A> A, B1, C, H;
    std::vector<G2A> B2;
    std::unique_ptr<FFT<Engine::Fr>> fft;
    bool fixed = false;
    std::unique_ptr<FixedMsm<Engine::G1>> fA, fB1, fC, fH;
    std::unique_ptr<FixedMsm<Engine::G2>> fB2;
    // R1CS rows: constraint k's A terms are terms[constraintStarts[3k] .. constraintStarts[3k+1]), then B, then C
    struct Term { uint32_t wire; FrElement coef; };  // coef in Montgomery form
    std::vector<Term> terms;
    std::vector<uint64_t> constraintStarts;
    void checkWitness(const FrElement *w) const;
public:
    uint64_t precomputedBytes = 0;
};
