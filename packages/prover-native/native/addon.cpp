// Node-API binding:
//   new Prover(zkey: Uint8Array, r1cs?: Uint8Array)      parses the zkey, precomputes the fixed-base tables
//   prover.prove(wtns: Uint8Array, rs?: Uint8Array(64))  -> Promise<{ proof, publicSignals, timings }>
// Proving runs on libuv's thread pool (and OpenMP's threads), never on the JavaScript thread.
#include <napi.h>
#include "groth16.hpp"

class ProveWorker : public Napi::AsyncWorker {
public:
    ProveWorker(Napi::Env env, std::shared_ptr<Groth16Prover> p, Napi::Uint8Array wtns, const uint8_t *rs)
        : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), prover(p),
          data(wtns.Data(), wtns.Data() + wtns.ByteLength()), hasRs(rs != nullptr) {
        if (rs) memcpy(this->rs, rs, 64);
    }
    Napi::Promise Promise() { return deferred.Promise(); }
    void Execute() override {
        try { result = prover->prove(data.data(), data.size(), hasRs ? rs : nullptr, &t); }
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
        tm.Set("check", t.check); tm.Set("abc", t.abc); tm.Set("fft", t.fft); tm.Set("msmA", t.msmA);
        tm.Set("msmB1", t.msmB1); tm.Set("msmB2", t.msmB2); tm.Set("msmC", t.msmC); tm.Set("msmH", t.msmH);
        tm.Set("total", t.total);
        out.Set("timings", tm);
        deferred.Resolve(out);
    }
    void OnError(const Napi::Error &e) override { deferred.Reject(e.Value()); }
private:
    Napi::Promise::Deferred deferred;
    std::shared_ptr<Groth16Prover> prover;
    std::vector<uint8_t> data;
    uint8_t rs[64];
    bool hasRs;
    std::pair<std::string, std::string> result;
    Groth16Prover::Timings t;
};

class Prover : public Napi::ObjectWrap<Prover> {
public:
    static Napi::Object Init(Napi::Env env, Napi::Object exports) {
        Napi::Function f = DefineClass(env, "Prover", {
            InstanceMethod("prove", &Prover::Prove),
            InstanceAccessor("precomputedBytes", &Prover::PrecomputedBytes, nullptr),
            InstanceAccessor("checksConstraints", &Prover::ChecksConstraints, nullptr),
        });
        exports.Set("Prover", f);
        exports.Set("field", Napi::String::New(env, G16_FIELD));
        return exports;
    }
    Prover(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Prover>(info) {
        Napi::Env env = info.Env();
        if (!info[0].IsTypedArray()) { Napi::TypeError::New(env, "zkey must be a Uint8Array").ThrowAsJavaScriptException(); return; }
        auto z = info[0].As<Napi::Uint8Array>();
        try {
            prover = std::make_shared<Groth16Prover>(z.Data(), z.ByteLength());
            if (info.Length() > 1 && !info[1].IsUndefined()) {
                if (!info[1].IsTypedArray()) { Napi::TypeError::New(env, "r1cs must be a Uint8Array").ThrowAsJavaScriptException(); return; }
                auto r = info[1].As<Napi::Uint8Array>();
                prover->loadR1cs(r.Data(), r.ByteLength());
            }
        } catch (const std::exception &e) {
            Napi::Error::New(env, e.what()).ThrowAsJavaScriptException();
        }
    }
private:
    Napi::Value Prove(const Napi::CallbackInfo &info) {
        Napi::Env env = info.Env();
        if (!info[0].IsTypedArray()) { Napi::TypeError::New(env, "witness must be a Uint8Array").ThrowAsJavaScriptException(); return env.Undefined(); }
        const uint8_t *rs = nullptr;
        if (info.Length() > 1 && !info[1].IsUndefined()) {
            if (!info[1].IsTypedArray() || info[1].As<Napi::Uint8Array>().ByteLength() != 64) {
                Napi::TypeError::New(env, "rs must be a 64-byte Uint8Array (r then s, little-endian)").ThrowAsJavaScriptException();
                return env.Undefined();
            }
            rs = info[1].As<Napi::Uint8Array>().Data();
        }
        auto *w = new ProveWorker(env, prover, info[0].As<Napi::Uint8Array>(), rs);
        auto p = w->Promise();
        w->Queue();
        return p;
    }
    Napi::Value PrecomputedBytes(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), (double)prover->precomputedBytes); }
    Napi::Value ChecksConstraints(const Napi::CallbackInfo &info) { return Napi::Boolean::New(info.Env(), prover->checksConstraints()); }
    std::shared_ptr<Groth16Prover> prover;
};

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return Prover::Init(env, exports); }
NODE_API_MODULE(groth16native, InitAll)
