#pragma once
// Runtime dispatch: hot loops are compiled for AVX2 and for baseline x86-64; the loader picks one (GCC/Clang
// ifunc). Both clones execute the same IEEE operations in the same order (no FMA: -ffp-contract=off), so the
// choice changes speed only, never a result bit.
#if defined(KINEMYO_TARGET_CLONES) && (defined(__GNUC__) || defined(__clang__))
#define KINEMYO_HOT __attribute__((target_clones("avx2", "default")))
#else
#define KINEMYO_HOT
#endif
