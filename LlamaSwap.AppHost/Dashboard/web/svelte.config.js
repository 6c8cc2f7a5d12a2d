// Svelte 5 compiles <script lang="ts"> itself (type annotations are stripped); no preprocessor needed.
export default {};
