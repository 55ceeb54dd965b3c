// The translation unit that carries the precompiled third-party headers every layer reuses.
