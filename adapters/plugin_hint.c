/*
 * plugin_hint: the reason and the fix for a plug-in that does not load
 * (plugin_hint.h).  The file is untrusted: every offset read from it is
 * checked against its size before use.
 */
#include "plugin_hint.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h> /* ElfW(): the ELF class of this process, the only one dlopen takes */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/vsrbench_adapter.h"
#include "../base/util.h" /* last: it includes banned.h */

#define NATIVE_CLASS (__ELF_NATIVE_CLASS == 64 ? ELFCLASS64 : ELFCLASS32)

struct mapped {
	void *base;
	const unsigned char *p; /* base */
	size_t n;
};

static int map_file(const char *path, struct mapped *m)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	m->base = NULL;
	m->p = NULL;
	m->n = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(ElfW(Ehdr))) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	m->base = p;
	m->p = p;
	m->n = (size_t)st.st_size;
	return 0;
}

static void unmap(struct mapped *m)
{
	if (m->base)
		munmap(m->base, m->n);
}

/* Is [off, off + len) inside the file? */
static int inside(const struct mapped *m, size_t off, size_t len)
{
	return off <= m->n && len <= m->n - off;
}

/* e_machine of an ELF header: at the same offset in either class, in the file's byte order. */
static unsigned machine_of(const unsigned char *h)
{
	return h[EI_DATA] == ELFDATA2MSB ? (unsigned)h[18] << 8 | h[19] : (unsigned)h[19] << 8 | h[18];
}

static unsigned type_of(const unsigned char *h)
{
	return h[EI_DATA] == ELFDATA2MSB ? (unsigned)h[16] << 8 | h[17] : (unsigned)h[17] << 8 | h[16];
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64 (arm64)";
	case EM_ARM: return "32-bit arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390x";
	default: return NULL;
	}
}

static void add_machine(struct buf *out, unsigned m, int elf64)
{
	const char *name = machine_name(m);

	if (name)
		buf_addf(out, "%s%s", name, m == EM_S390 && !elf64 ? " (31-bit)" : "");
	else
		buf_addf(out, "ELF machine %u", m);
}

/* This process's own ELF header, from the executable's file. */
static int own_header(unsigned char h[EI_NIDENT + 4])
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, h, EI_NIDENT + 4);
	close(fd);
	return r == EI_NIDENT + 4 && !memcmp(h, ELFMAG, SELFMAG) ? 0 : -1;
}

void plugin_hint_dlopen(const char *path, const char *dlerr, struct buf *out)
{
	struct mapped m;
	unsigned char own[EI_NIDENT + 4];
	const char *colon = dlerr ? strstr(dlerr, ": ") : NULL;

	if (map_file(path, &m))
		return; /* no such file, or not one to read: dlopen's words say it */
	if (memcmp(m.p, ELFMAG, SELFMAG)) {
		buf_adds(out, " (not an ELF shared library: build it with cc -shared -fPIC)");
	} else if (!own_header(own) &&
		   (m.p[EI_CLASS] != own[EI_CLASS] || machine_of(m.p) != machine_of(own))) {
		/* dlopen calls this "No such file or directory" */
		buf_adds(out, "; the file is a library for ");
		add_machine(out, machine_of(m.p), m.p[EI_CLASS] == ELFCLASS64);
		buf_addf(out, ", %d-bit, and this vsrbench runs on ", m.p[EI_CLASS] == ELFCLASS64 ? 64 : 32);
		add_machine(out, machine_of(own), own[EI_CLASS] == ELFCLASS64);
		buf_addf(out, ", %d-bit: build the plug-in on this machine, or with a compiler for it",
			 own[EI_CLASS] == ELFCLASS64 ? 64 : 32);
	} else if (type_of(m.p) == ET_REL) {
		buf_adds(out, " (an object file, not a shared library: link it with cc -shared -fPIC -o NAME.so)");
	} else if (type_of(m.p) == ET_EXEC ||
		   (dlerr && strstr(dlerr, "cannot dynamically load"))) { /* a PIE program is ET_DYN */
		buf_adds(out, " (a program, not a shared library: build it with cc -shared -fPIC -o NAME.so)");
	} else if (colon && strstr(dlerr, "cannot open shared object file") &&
		   ((size_t)(colon - dlerr) != strlen(path) || strncmp(dlerr, path, strlen(path)))) {
		/* "libfoo.so: cannot open shared object file": one it needs, not the plug-in */
		buf_addf(out, "; a library the plug-in needs, %.*s, was not found (or is for another "
			      "machine): ldd %s lists what it needs; add the directory that holds it to "
			      "LD_LIBRARY_PATH, or link the plug-in with -Wl,-rpath,DIR",
			 (int)(colon - dlerr), dlerr, path);
	} else if (dlerr && strstr(dlerr, "undefined symbol: ")) {
		buf_adds(out, "; no library the plug-in is linked with defines that symbol: link it "
			      "with the one that does (-lNAME); -Wl,--no-undefined says so when it is built");
	}
	unmap(&m);
}

/* What the symbol tables say about the entry symbol. */
struct entry_scan {
	int defined_hidden;  /* VSRBENCH_ENTRY_SYMBOL defined, not exported */
	char other[160];     /* another exported name holding "adapter_entry" */
};

static void scan_symbols(const struct mapped *m, struct entry_scan *s)
{
	const ElfW(Ehdr) *eh = (const void *)m->p;
	const ElfW(Shdr) *sh;

	if (m->p[EI_CLASS] != NATIVE_CLASS || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
	    !inside(m, eh->e_shoff, (size_t)eh->e_shnum * sizeof(ElfW(Shdr))) ||
	    eh->e_shoff % _Alignof(ElfW(Shdr)))
		return;
	sh = (const void *)(m->p + eh->e_shoff);
	for (size_t i = 0; i < eh->e_shnum; i++) {
		const ElfW(Shdr) *tab = &sh[i], *str;
		size_t count;

		if ((tab->sh_type != SHT_DYNSYM && tab->sh_type != SHT_SYMTAB) ||
		    tab->sh_entsize != sizeof(ElfW(Sym)) || tab->sh_link >= eh->e_shnum ||
		    !inside(m, tab->sh_offset, tab->sh_size) || tab->sh_offset % _Alignof(ElfW(Sym)))
			continue;
		str = &sh[tab->sh_link];
		if (!inside(m, str->sh_offset, str->sh_size) || !str->sh_size ||
		    m->p[str->sh_offset + str->sh_size - 1] != '\0')
			continue;
		count = tab->sh_size / sizeof(ElfW(Sym));
		for (size_t k = 0; k < count; k++) {
			const ElfW(Sym) *sym = (const void *)(m->p + tab->sh_offset + k * sizeof(ElfW(Sym)));
			const char *name;
			/* ELF32_ST_* and ELF64_ST_* are the same macros */
			int bind = ELF64_ST_BIND(sym->st_info), vis = ELF64_ST_VISIBILITY(sym->st_other);
			int exported;

			if (sym->st_name >= str->sh_size || sym->st_shndx == SHN_UNDEF)
				continue;
			name = (const char *)m->p + str->sh_offset + sym->st_name;
			exported = tab->sh_type == SHT_DYNSYM && (bind == STB_GLOBAL || bind == STB_WEAK) &&
				   (vis == STV_DEFAULT || vis == STV_PROTECTED);
			if (!strcmp(name, VSRBENCH_ENTRY_SYMBOL))
				s->defined_hidden |= !exported;
			else if (exported && !s->other[0] && strstr(name, "adapter_entry"))
				snprintf(s->other, sizeof(s->other), "%s", name);
		}
	}
}

void plugin_hint_no_entry(const char *path, struct buf *out)
{
	struct mapped m;
	struct entry_scan s = { 0, "" };

	if (!map_file(path, &m) && !memcmp(m.p, ELFMAG, SELFMAG))
		scan_symbols(&m, &s);
	unmap(&m);
	if (s.other[0] && !strncmp(s.other, "_Z", 2))
		buf_addf(out, "; it exports the C++ name %s instead: include vsrbench_adapter.h (it "
			      "declares the function extern \"C\") and define it with the signature "
			      "declared there, (uint32_t host_abi_major)", s.other);
	else if (s.other[0])
		buf_addf(out, "; it exports %s instead: the function must be named %s", s.other,
			 VSRBENCH_ENTRY_SYMBOL);
	else if (s.defined_hidden)
		buf_addf(out, "; it defines %s but does not export it (static, or hidden by "
			      "-fvisibility=hidden or a version script): include vsrbench_adapter.h of "
			      "this vsrbench, whose declaration exports it, and drop any static",
			 VSRBENCH_ENTRY_SYMBOL);
	else
		buf_addf(out, "; it exports no function of that name: define const struct "
			      "vsrbench_adapter *%s(uint32_t host_abi_major), as vsrbench_adapter.h "
			      "declares it (nm -D %s lists what the library exports)",
			 VSRBENCH_ENTRY_SYMBOL, path);
}
