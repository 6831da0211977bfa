/* A shared library that is not a vsrbench adapter: no entry symbol. */
int not_an_adapter(void);
int not_an_adapter(void)
{
	return 42;
}
