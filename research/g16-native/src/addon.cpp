// N-API binding: new Prover(zkeyBytes); prover.prove(wtnsBytes) -> Promise<{proof, publicSignals}> (work off the JS thread)
#include <napi.h>
#include "groth16.hpp"
#include <omp.h>
#include <cstdio>

class ProveWorker : public Napi::AsyncWorker {
public:
    ProveWorker(Napi::Env env, std::shared_ptr<Groth16Prover> p, Napi::Uint8Array wtns)
        : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), prover(p),
          data(wtns.Data(), wtns.Data() + wtns.ByteLength()) {}
    Napi::Promise Promise() { return deferred.Promise(); }
    void Execute() override {
        if (getenv("G16_DEBUG")) fprintf(stderr, "omp max %d procs %d\n", omp_get_max_threads(), omp_get_num_procs());
        try { result = prover->prove(data.data(), data.size(), nullptr, &t); }
        catch (const std::exception &e) { SetError(e.what()); }
        catch (const std::exception *e) { SetError(e->what()); }
    }
    void OnOK() override {
        Napi::Env env = Env();
        Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
        Napi::Function parse = json.Get("parse").As<Napi::Function>();
        Napi::Object out = Napi::Object::New(env);
        out.Set("proof", parse.Call(json, {Napi::String::New(env, result.first)}));
        out.Set("publicSignals", parse.Call(json, {Napi::String::New(env, result.second)}));
        Napi::Object tm = Napi::Object::New(env);
        tm.Set("abc", t.abc); tm.Set("fft", t.fft); tm.Set("msmA", t.msmA); tm.Set("msmB1", t.msmB1);
        tm.Set("msmB2", t.msmB2); tm.Set("msmC", t.msmC); tm.Set("msmH", t.msmH); tm.Set("total", t.total);
        out.Set("timings", tm);
        deferred.Resolve(out);
    }
    void OnError(const Napi::Error &e) override { deferred.Reject(e.Value()); }
private:
    Napi::Promise::Deferred deferred;
    std::shared_ptr<Groth16Prover> prover;
    std::vector<uint8_t> data;
    std::pair<std::string, std::string> result;
    Groth16Prover::Timings t;
};

class Prover : public Napi::ObjectWrap<Prover> {
public:
    static Napi::Object Init(Napi::Env env, Napi::Object exports) {
        Napi::Function f = DefineClass(env, "Prover", {InstanceMethod("prove", &Prover::Prove)});
        exports.Set("Prover", f);
        return exports;
    }
    Prover(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Prover>(info) {
        if (!info[0].IsTypedArray()) { Napi::TypeError::New(info.Env(), "zkey must be a Uint8Array").ThrowAsJavaScriptException(); return; }
        auto z = info[0].As<Napi::Uint8Array>();
        try { prover = std::make_shared<Groth16Prover>(z.Data(), z.ByteLength()); }
        catch (const std::exception &e) { Napi::Error::New(info.Env(), e.what()).ThrowAsJavaScriptException(); }
    }
private:
    Napi::Value Prove(const Napi::CallbackInfo &info) {
        if (!info[0].IsTypedArray()) { Napi::TypeError::New(info.Env(), "witness must be a Uint8Array").ThrowAsJavaScriptException(); return info.Env().Undefined(); }
        auto *w = new ProveWorker(info.Env(), prover, info[0].As<Napi::Uint8Array>());
        auto p = w->Promise();
        w->Queue();
        return p;
    }
    std::shared_ptr<Groth16Prover> prover;
};

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return Prover::Init(env, exports); }
NODE_API_MODULE(groth16native, InitAll)
