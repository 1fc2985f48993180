#include "groth16.hpp"
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>
#include <algorithm>
static std::vector<uint8_t> readAll(const char *p) { std::ifstream f(p, std::ios::binary); return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {}); }
int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: prove zkey wtns proof.json public.json [iterations]\n"); return 2; }
    auto t0 = std::chrono::steady_clock::now();
    auto zk = readAll(argv[1]); auto wt = readAll(argv[2]);
    Groth16Prover p(zk.data(), zk.size());
    auto t1 = std::chrono::steady_clock::now();
    fprintf(stderr, "load %.1f ms (nVars %u nPublic %u domain %u)\n", std::chrono::duration<double, std::milli>(t1 - t0).count(), p.nVars, p.nPublic, p.domainSize);
    int it = argc > 5 ? atoi(argv[5]) : 1;
    std::pair<std::string, std::string> r;
    std::vector<double> tot;
    for (int i = 0; i < it; i++) {
        Groth16Prover::Timings t;
        { static uint8_t z[64] = {0}; r = p.prove(wt.data(), wt.size(), getenv("G16_ZERO_RS") ? z : nullptr, &t); }
        tot.push_back(t.total);
        fprintf(stderr, "abc %.2f fft %.2f msmA %.2f B1 %.2f B2 %.2f C %.2f H %.2f total %.2f ms\n", t.abc, t.fft, t.msmA, t.msmB1, t.msmB2, t.msmC, t.msmH, t.total);
    }
    std::sort(tot.begin(), tot.end());
    fprintf(stderr, "median total %.2f ms\n", tot[tot.size() / 2]);
    std::ofstream(argv[3]) << r.first; std::ofstream(argv[4]) << r.second;
}
