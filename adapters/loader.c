/* loader: being written */
typedef int vsr_loader_placeholder;
