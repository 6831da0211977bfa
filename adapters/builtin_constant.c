/* being written */
typedef int vsr_builtin_placeholder;
