{
  "targets": [{
    "target_name": "groth16native",
    "sources": ["src/addon.cpp", "src/groth16.cpp", "gen/fq.cpp", "gen/fr.cpp",
                "node_modules/ffiasm/c/alt_bn128.cpp", "node_modules/ffiasm/c/naf.cpp",
                "node_modules/ffiasm/c/misc.cpp", "node_modules/ffiasm/c/splitparstr.cpp"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "gen", "src", "node_modules/ffiasm/c"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-w", "-fexceptions"],
    "libraries": ["<(module_root_dir)/obj/fq_asm.o", "<(module_root_dir)/obj/fr_asm.o", "-lgmp", "-fopenmp"]
  }]
}
