// ESLint flat config: typescript-eslint's recommended rules plus Pulumi's plugin, which catches
// outputs interpolated into template strings (they print "Calling [toString] on an [Output<T>]").
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    {
        files: ["tests/**/*.ts", "bench/**/*.ts"],
        rules: { "@typescript-eslint/no-non-null-assertion": "off" },
    },
);
