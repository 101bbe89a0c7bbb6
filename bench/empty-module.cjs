// An empty module: what a fresh Node process costs before any code of ours (bench/cold-start.ts).
